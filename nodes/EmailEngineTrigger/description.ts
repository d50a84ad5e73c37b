import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { ALL_EVENTS, DELIVERY_LIFECYCLE_EVENTS, EMAILENGINE_EVENTS } from '../shared/events';

const eventOptions: INodePropertyOptions[] = [
	{
		name: 'All Events',
		value: ALL_EVENTS,
		description: 'Every event EmailEngine sends, including event types added in later versions',
	},
	...EMAILENGINE_EVENTS.map((event) => ({
		name: event.label,
		value: event.name,
		description: event.description,
	})),
];

const registration: INodeProperties = {
	displayName: 'Registration',
	name: 'registration',
	type: 'options',
	noDataExpression: true,
	default: 'manual',
	options: [
		{
			name: 'Manual (Webhook Route or Existing URL)',
			value: 'manual',
			description:
				"Register nothing: point a webhook route in EmailEngine's admin UI (or another URL setting) at this trigger's production URL yourself",
		},
		{
			name: 'Global Webhook URL',
			value: 'global',
			description:
				"Set EmailEngine's global webhook URL to this trigger while the workflow is published",
		},
		{
			name: 'Per-Account Webhook URL',
			value: 'account',
			description:
				'Set the webhook URL of each chosen account to this trigger while the workflow is published',
		},
	],
	description: 'How EmailEngine is told to send its events to this trigger',
};

const manualNotice: INodeProperties = {
	displayName:
		"In EmailEngine's admin UI, open Webhooks → Routes, create a route whose target is this trigger's production URL (shown above) with the filter \"return true;\", and enable it. Webhooks must be enabled in EmailEngine's settings. The route keeps working alongside any other webhook URL.",
	name: 'manualNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { registration: ['manual'] } },
};

const automaticNotice: INodeProperties = {
	displayName:
		"On publish, the trigger sets this URL in EmailEngine, turns webhooks on and adds the selected events to EmailEngine's event list where they are missing. On unpublish it undoes exactly those changes. The event list is shared by every webhook consumer of the EmailEngine instance.",
	name: 'automaticNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { registration: ['global', 'account'] } },
};

const replaceExistingUrl: INodeProperties = {
	displayName: 'Replace Existing Webhook URL',
	name: 'replaceExistingUrl',
	type: 'boolean',
	default: false,
	displayOptions: { show: { registration: ['global', 'account'] } },
	description:
		'Whether to take over a webhook URL that already points somewhere else. The previous URL stops receiving events until this workflow is unpublished, when it is put back (a URL with credentials that EmailEngine masks is cleared instead).',
};

const events: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	default: [...DELIVERY_LIFECYCLE_EVENTS],
	options: eventOptions,
	description: 'The events that start the workflow. Other events are acknowledged and dropped.',
};

const accountScope: INodeProperties = {
	displayName: 'Accounts',
	name: 'accountScope',
	type: 'options',
	default: 'all',
	displayOptions: { show: { registration: ['manual', 'global'] } },
	options: [
		{ name: 'All Accounts', value: 'all' },
		{ name: 'Selected Accounts', value: 'selected' },
	],
	description: 'Whose events start the workflow',
};

const accountPicker: Pick<INodeProperties, 'type' | 'typeOptions' | 'default' | 'description'> = {
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getAccounts' },
	default: [],
	description:
		'Choose from the list, or specify account IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (an array or a comma-separated list)',
};

const selectedAccounts: INodeProperties = {
	...accountPicker,
	displayName: 'Account Names or IDs',
	name: 'accounts',
	displayOptions: { show: { registration: ['manual', 'global'], accountScope: ['selected'] } },
};

const registeredAccounts: INodeProperties = {
	...accountPicker,
	displayName: 'Account Names or IDs',
	name: 'accounts',
	required: true,
	displayOptions: { show: { registration: ['account'] } },
};

const options: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Accept Unsigned Events',
			name: 'acceptUnsigned',
			type: 'boolean',
			default: false,
			description:
				'Whether to start the workflow for requests without a valid signature when the credential has no signing secret. Anyone who can reach the webhook URL can then start the workflow with made-up events.',
		},
		{
			displayName: 'Include Raw Payload',
			name: 'includeRaw',
			type: 'boolean',
			default: false,
			description:
				'Whether to add the body EmailEngine sent, untouched, as the "raw" field of normalized items',
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'normalized',
			options: [
				{
					name: 'Normalized',
					value: 'normalized',
					description: 'The same fields for every event, null where an event does not carry them',
				},
				{
					name: 'Raw Body',
					value: 'raw',
					description: 'The payload as EmailEngine sent it, with its event ID added back',
				},
			],
			description: 'The shape of the item each event produces',
		},
	],
};

export const triggerProperties: INodeProperties[] = [
	registration,
	manualNotice,
	automaticNotice,
	replaceExistingUrl,
	events,
	accountScope,
	selectedAccounts,
	registeredAccounts,
	options,
];
