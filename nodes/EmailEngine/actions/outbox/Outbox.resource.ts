import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, Operation> = { cancel, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['outbox'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a queued message',
				description: 'Remove a message from the outbox before it is sent',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a queued message',
				description: 'Get a message that is still waiting in the outbox',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many queued messages',
				description: 'List the messages waiting in the outbox of every account',
			},
		],
		default: 'get',
	},
	...get.description,
	...getAll.description,
	...cancel.description,
];
