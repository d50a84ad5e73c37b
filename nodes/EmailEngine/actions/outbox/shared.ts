import type { INodeProperties } from 'n8n-workflow';

export function queueIdField(operation: string): INodeProperties {
	return {
		displayName: 'Queue ID',
		name: 'queueId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '183e4b18f0ffe977476',
		description: 'The queueId EmailEngine returned when the message was submitted',
		displayOptions: { show: { resource: ['outbox'], operation: [operation] } },
	};
}
