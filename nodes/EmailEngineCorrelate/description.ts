import type { INodeProperties } from 'n8n-workflow';

import { REFERENCE_HEADER } from '../shared/correlation';
import { DEFAULT_HISTORY_LIMIT } from '../shared/trackingRecord';

export const OUTPUT_NAMES = [
	'Accepted',
	'Deferred',
	'Failed',
	'Bounced',
	'Complained',
	'Engaged',
	'Other',
];

/** One output per outcome, or a single one; evaluated by n8n from the node's parameters. */
export const OUTPUTS_EXPRESSION: `={{${string}}}` = `={{ $parameter.routeByOutcome === false ? ["main"] : ${JSON.stringify(
	OUTPUT_NAMES.map((displayName) => ({ type: 'main', displayName })),
)} }}`;

export const correlateProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Resolve',
				value: 'resolve',
				action: 'Resolve the message an event belongs to',
				description:
					'Add the correlation keys, the correlation reference and the delivery outcome to an event',
			},
			{
				name: 'Merge',
				value: 'merge',
				action: 'Merge an event into a tracking record',
				description:
					'Fold an event into a tracking record you keep elsewhere (Data Table, database, CRM) and output the new record',
			},
		],
		default: 'resolve',
	},
	{
		displayName: `Resolve reads the correlation reference back from the Message-ID the EmailEngine node generated, or from the ${REFERENCE_HEADER} header a bounce report quotes.`,
		name: 'resolveNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['resolve'] } },
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			"The EmailEngine event to merge: a trigger item (normalized or raw), the output of n8n's Webhook node, or the output of the EmailEngine node's Send operation, which starts a record in the queued state",
		displayOptions: { show: { operation: ['merge'] } },
	},
	{
		displayName: 'Tracking Record',
		name: 'record',
		type: 'json',
		default: '',
		placeholder: '={{ $json.record }}',
		description:
			'The record as you stored it: the object, or its JSON text from a Data Table column. Leave empty, or pass an empty value, to start a new record.',
		displayOptions: { show: { operation: ['merge'] } },
	},
	{
		displayName: 'Route by Outcome',
		name: 'routeByOutcome',
		type: 'boolean',
		default: true,
		description:
			'Whether to send each item to the output of its outcome (accepted, deferred, failed, bounced, complained, engaged, other) instead of a single output',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['merge'] } },
		options: [
			{
				displayName: 'History Limit',
				name: 'historyLimit',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 1000 },
				default: DEFAULT_HISTORY_LIMIT,
				description:
					'How many events the record keeps in its history. Delivery events are kept before opens and clicks, then the earliest first.',
			},
		],
	},
];
