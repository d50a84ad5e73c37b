import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import * as send from './send.operation';

export const operations: Record<string, Operation> = { send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['email'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				action: 'Send an email',
				description: 'Queue a message for delivery through an EmailEngine account',
			},
		],
		default: 'send',
	},
	...send.description,
];
