import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, Operation> = { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get an account',
				description: 'Get the settings and connection state of an account',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many accounts',
				description: 'List the accounts EmailEngine manages',
			},
		],
		default: 'get',
	},
	...get.description,
	...getAll.description,
];
