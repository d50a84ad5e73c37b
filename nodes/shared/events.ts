/**
 * Every webhook event type EmailEngine 2.79.2 emits, spelled exactly as EmailEngine spells it.
 * The trigger's event picker, the schemas and the normalizer are all built from this table, so a
 * new event type is added here once.
 */
export const EMAILENGINE_EVENTS = [
	{
		name: 'messageSent',
		label: 'Message Sent',
		description: 'A queued message was accepted by the next hop (SMTP server or mail API)',
		group: 'delivery',
	},
	{
		name: 'messageDeliveryError',
		label: 'Message Delivery Error',
		description: 'One delivery attempt failed; EmailEngine may retry it',
		group: 'delivery',
	},
	{
		name: 'messageFailed',
		label: 'Message Failed',
		description: 'EmailEngine gave up on a queued message',
		group: 'delivery',
	},
	{
		name: 'messageBounce',
		label: 'Message Bounce',
		description: 'A bounce report for a sent message arrived in the mailbox',
		group: 'delivery',
	},
	{
		name: 'messageComplaint',
		label: 'Message Complaint',
		description: 'A recipient reported a sent message as spam (feedback loop report)',
		group: 'delivery',
	},
	{
		name: 'trackOpen',
		label: 'Track Open',
		description: 'A recipient opened a tracked message',
		group: 'engagement',
	},
	{
		name: 'trackClick',
		label: 'Track Click',
		description: 'A recipient clicked a tracked link',
		group: 'engagement',
	},
	{
		name: 'listUnsubscribe',
		label: 'List Unsubscribe',
		description: 'A recipient unsubscribed from a mailing list',
		group: 'engagement',
	},
	{
		name: 'listSubscribe',
		label: 'List Subscribe',
		description: 'A recipient subscribed to a mailing list again',
		group: 'engagement',
	},
	{
		name: 'messageNew',
		label: 'Message New',
		description: 'A new message appeared in a mailbox folder',
		group: 'mailbox',
	},
	{
		name: 'messageDeleted',
		label: 'Message Deleted',
		description: 'A message was deleted from a folder',
		group: 'mailbox',
	},
	{
		name: 'messageUpdated',
		label: 'Message Updated',
		description: 'The flags or labels of a message changed',
		group: 'mailbox',
	},
	{
		name: 'messageMissing',
		label: 'Message Missing',
		description: 'A message that was announced could not be fetched',
		group: 'mailbox',
	},
	{
		name: 'mailboxNew',
		label: 'Mailbox New',
		description: 'A new folder was found',
		group: 'mailbox',
	},
	{
		name: 'mailboxDeleted',
		label: 'Mailbox Deleted',
		description: 'A folder was deleted',
		group: 'mailbox',
	},
	{
		name: 'mailboxReset',
		label: 'Mailbox Reset',
		description: 'A folder was reset and its sync state rebuilt',
		group: 'mailbox',
	},
	{
		name: 'accountAdded',
		label: 'Account Added',
		description: 'An account was added to EmailEngine',
		group: 'account',
	},
	{
		name: 'accountInitialized',
		label: 'Account Initialized',
		description: 'An account connected for the first time',
		group: 'account',
	},
	{
		name: 'accountDeleted',
		label: 'Account Deleted',
		description: 'An account was deleted (delivered to the global URL and routes only)',
		group: 'account',
	},
	{
		name: 'authenticationSuccess',
		label: 'Authentication Success',
		description: 'An account authenticated successfully after being new or failing',
		group: 'account',
	},
	{
		name: 'authenticationError',
		label: 'Authentication Error',
		description: 'An account failed to authenticate',
		group: 'account',
	},
	{
		name: 'connectError',
		label: 'Connect Error',
		description: 'EmailEngine could not connect to the mail server of an account',
		group: 'account',
	},
	{
		name: 'exportCompleted',
		label: 'Export Completed',
		description: 'A mailbox export finished',
		group: 'export',
	},
	{
		name: 'exportFailed',
		label: 'Export Failed',
		description: 'A mailbox export failed',
		group: 'export',
	},
] as const;

export type EmailEngineEventName = (typeof EMAILENGINE_EVENTS)[number]['name'];

/** Stands for every event type in the trigger's event list and in EmailEngine's `webhookEvents`. */
export const ALL_EVENTS = '*';

export const DELIVERY_LIFECYCLE_EVENTS: EmailEngineEventName[] = [
	'messageSent',
	'messageDeliveryError',
	'messageFailed',
	'messageBounce',
	'messageComplaint',
];

const KNOWN_EVENT_NAMES: ReadonlySet<string> = new Set(EMAILENGINE_EVENTS.map((e) => e.name));

export function isKnownEvent(name: string): name is EmailEngineEventName {
	return KNOWN_EVENT_NAMES.has(name);
}
