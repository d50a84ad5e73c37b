import { isKnownEvent, type EmailEngineEventName } from './events';
import { canonicalMessageId } from './messageId';
import {
	dataSchemas,
	describeIssues,
	envelopeSchema,
	type EmailEnginePayload,
	type ListMembershipData,
	type MessageBounceData,
	type MessageComplaintData,
	type MessageDeliveryErrorData,
	type MessageFailedData,
	type MessageNewData,
	type MessageSentData,
	type TrackingData,
} from './schemas';

/** What a delivery's headers say about it, beside the body. */
export interface DeliveryMeta {
	/** `X-EE-Wh-Event-Id`: the same on every retry of one event. */
	eventId: string | null;
	/** `X-EE-Wh-Attempts-Made`: 0 on the first try. */
	attemptsMade: number | null;
	/** `X-EE-Wh-Custom-Route`: the webhook route that delivered the event, if any. */
	routeId: string | null;
}

export const NO_DELIVERY_META: DeliveryMeta = { eventId: null, attemptsMade: null, routeId: null };

export type DeliveryState = 'sent' | 'deferred' | 'failed' | 'bounced' | 'complained';
export type Engagement = 'opened' | 'clicked' | 'unsubscribed' | 'subscribed';

export interface RetryDetails {
	/** Which delivery attempt failed: 1 for the first. */
	attempt: number;
	maxAttempts: number;
	nextAttemptAt: string | null;
	willRetry: boolean;
}

export interface BounceDetails {
	recipient: string;
	action: string;
	status: string | null;
	message: string | null;
	category: string | null;
	recommendedAction: string | null;
	source: string | null;
	mta: string | null;
	/** The queue id of the remote server that bounced the message, never EmailEngine's. */
	remoteQueueId: string | null;
	/** EmailEngine's id of the bounce email itself. */
	bounceMessage: string | null;
}

export interface ComplaintDetails {
	feedbackType: string | null;
	recipients: string[];
	originalMailFrom: string | null;
	userAgent: string | null;
	reportingMta: string | null;
	sourceIp: string | null;
	arrivalDate: string | null;
	/** EmailEngine's id of the complaint email itself. */
	complaintMessage: string | null;
}

export interface TrackingDetails {
	url: string | null;
	listId: string | null;
	remoteAddress: string | null;
	userAgent: string | null;
}

/**
 * The item the trigger and the Normalize node emit for one EmailEngine event. Every field is
 * present on every item, null where the event does not carry it, so that a workflow can map
 * fields without checking which event it got.
 */
export interface NormalizedEvent {
	[key: string]: unknown;
	event: string;
	eventId: string | null;
	account: string | null;
	occurredAt: string | null;
	/** 1 for the first delivery of the webhook, 2 for its first retry, and so on. */
	deliveryAttempt: number | null;
	routeId: string | null;
	/** EmailEngine's queue id of a submitted message; only delivery events carry it. */
	queueId: string | null;
	messageId: string | null;
	/** Set when a relay (Outlook, SES) replaced the Message-ID: the one EmailEngine generated. */
	originalMessageId: string | null;
	envelopeFrom: string | null;
	recipients: string[];
	deliveryState: DeliveryState | null;
	engagement: Engagement | null;
	smtpResponse: string | null;
	smtpResponseCode: number | null;
	smtpCommand: string | null;
	error: string | null;
	errorCode: string | null;
	retry: RetryDetails | null;
	bounce: BounceDetails | null;
	complaint: ComplaintDetails | null;
	tracking: TrackingDetails | null;
	path: string | null;
	specialUse: string | null;
	/** The event's own `data` object as EmailEngine sent it. */
	data: Record<string, unknown>;
	raw?: unknown;
}

export type ParseResult =
	| { ok: true; payload: EmailEnginePayload }
	| { ok: false; message: string };

/** Validates a parsed JSON value as an EmailEngine webhook payload. */
export function parsePayload(value: unknown): ParseResult {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		return { ok: false, message: `Expected a JSON object, got ${describeJsonType(value)}` };
	}

	if (!('event' in value)) {
		return {
			ok: false,
			message: 'Not an EmailEngine webhook payload: the field "event" is missing',
		};
	}

	const envelope = envelopeSchema.safeParse(value);
	if (!envelope.success) return { ok: false, message: describeIssues(envelope.error) };

	const { event, data } = envelope.data;
	if (!isKnownEvent(event)) return { ok: true, payload: envelope.data };

	if (data === undefined) return { ok: false, message: `data is missing for event ${event}` };
	const checked = dataSchemas[event].safeParse(data);
	if (!checked.success) {
		return { ok: false, message: `${event}: ${describeIssues(checked.error, 'data')}` };
	}

	return { ok: true, payload: envelope.data };
}

export function describeJsonType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return 'a string';
	if (typeof value === 'number') return 'a number';
	if (typeof value === 'boolean') return 'a boolean';
	return typeof value;
}

/** Reads EmailEngine's `X-EE-Wh-*` headers (names lower-cased, as Node gives them). */
export function deliveryMetaFromHeaders(
	headers: Record<string, string | string[] | undefined>,
): DeliveryMeta {
	const single = (name: string) => {
		const value = headers[name];
		return typeof value === 'string' && value !== '' ? value : null;
	};

	const attempts = single('x-ee-wh-attempts-made');
	const attemptsMade = attempts !== null && /^\d+$/.test(attempts) ? Number(attempts) : null;

	return {
		eventId: single('x-ee-wh-event-id'),
		attemptsMade,
		routeId: single('x-ee-wh-custom-route'),
	};
}

/**
 * Turns a validated payload into the normalized item. The payload must have passed
 * `parsePayload`, which is what makes the casts to each event's data type safe.
 */
export function normalizeEvent(
	payload: EmailEnginePayload,
	meta: DeliveryMeta = NO_DELIVERY_META,
	options: { includeRaw?: boolean } = {},
): NormalizedEvent {
	const data = (payload.data ?? {}) as Record<string, unknown>;

	const item: NormalizedEvent = {
		event: payload.event,
		eventId: meta.eventId,
		account: payload.account ?? null,
		occurredAt: payload.date,
		deliveryAttempt: meta.attemptsMade === null ? null : meta.attemptsMade + 1,
		routeId: meta.routeId,
		queueId: null,
		messageId: null,
		originalMessageId: null,
		envelopeFrom: null,
		recipients: [],
		deliveryState: null,
		engagement: null,
		smtpResponse: null,
		smtpResponseCode: null,
		smtpCommand: null,
		error: null,
		errorCode: null,
		retry: null,
		bounce: null,
		complaint: null,
		tracking: null,
		path: payload.path ?? null,
		specialUse: payload.specialUse ?? null,
		data,
	};

	// Only a known name is looked up: an unknown event called "valueOf" would find Object.prototype's.
	const fill = isKnownEvent(payload.event) ? EVENT_FIELDS[payload.event] : undefined;
	if (fill) fill(item, data);

	if (options.includeRaw) item.raw = payload;
	return item;
}

type FieldFiller = (item: NormalizedEvent, data: Record<string, unknown>) => void;

const EVENT_FIELDS: Partial<Record<EmailEngineEventName, FieldFiller>> = {
	messageSent(item, raw) {
		const data = raw as MessageSentData;
		item.queueId = data.queueId;
		item.messageId = canonicalMessageId(data.messageId);
		item.originalMessageId = canonicalMessageId(data.originalMessageId);
		item.envelopeFrom = data.envelope?.from ?? null;
		item.recipients = data.envelope?.to ?? [];
		item.smtpResponse = data.response ?? null;
		item.smtpResponseCode = replyCode(data.response);
		item.deliveryState = 'sent';
	},

	messageDeliveryError(item, raw) {
		const data = raw as MessageDeliveryErrorData;
		item.queueId = data.queueId;
		item.messageId = canonicalMessageId(data.messageId);
		item.envelopeFrom = data.envelope?.from ?? null;
		item.recipients = data.envelope?.to ?? [];
		item.smtpResponse = data.smtpResponse ?? null;
		item.smtpResponseCode = asReplyCode(data.smtpResponseCode) ?? replyCode(data.smtpResponse);
		item.smtpCommand = data.smtpCommand ?? null;
		item.error = data.error ?? null;
		item.errorCode = data.errorCode ?? null;
		item.retry = data.job ? retryDetails(data.job, item.smtpResponseCode) : null;
		item.deliveryState = item.retry?.willRetry === false ? 'failed' : 'deferred';
	},

	messageFailed(item, raw) {
		const data = raw as MessageFailedData;
		item.queueId = data.queueId;
		item.messageId = canonicalMessageId(data.messageId);
		item.error = data.error ?? null;
		// The error is the first line of a stack trace, e.g. "Error: ... rejected: 550 5.1.1 ...".
		item.smtpResponseCode = replyCode(data.error?.match(/: ([45]\d\d) /)?.[1]);
		item.deliveryState = 'failed';
	},

	messageBounce(item, raw) {
		const data = raw as MessageBounceData;
		// `data.queueId` is the remote server's queue id, so it goes into the bounce details.
		item.messageId = canonicalMessageId(data.messageId);
		item.recipients = [data.recipient];
		item.smtpResponse = data.response?.message ?? null;
		item.smtpResponseCode = replyCode(data.response?.message);
		item.deliveryState = 'bounced';
		item.bounce = {
			recipient: data.recipient,
			action: data.action,
			status: data.response?.status ?? null,
			message: data.response?.message ?? null,
			category: data.response?.category ?? null,
			recommendedAction: data.response?.recommendedAction ?? null,
			source: data.response?.source ?? null,
			mta: data.mta ?? null,
			remoteQueueId: data.queueId ?? null,
			bounceMessage: data.bounceMessage ?? null,
		};
	},

	messageComplaint(item, raw) {
		const data = raw as MessageComplaintData;
		const recipients = (data.arf.originalRcptTo ?? []).map(bareAddress);
		item.messageId = canonicalMessageId(data.headers?.messageId);
		item.envelopeFrom = data.arf.originalMailFrom ?? null;
		item.recipients = recipients;
		item.deliveryState = 'complained';
		item.complaint = {
			feedbackType: data.arf.feedbackType ?? null,
			recipients,
			originalMailFrom: data.arf.originalMailFrom ?? null,
			userAgent: data.arf.userAgent ?? null,
			reportingMta: data.arf.reportingMta ?? null,
			sourceIp: data.arf.sourceIp ?? null,
			arrivalDate: data.arf.arrivalDate ?? null,
			complaintMessage: data.complaintMessage ?? null,
		};
	},

	trackOpen(item, raw) {
		fillTracking(item, raw as TrackingData, 'opened');
	},

	trackClick(item, raw) {
		fillTracking(item, raw as TrackingData, 'clicked');
	},

	listUnsubscribe(item, raw) {
		fillListMembership(item, raw as ListMembershipData, 'unsubscribed');
	},

	listSubscribe(item, raw) {
		fillListMembership(item, raw as ListMembershipData, 'subscribed');
	},

	messageNew(item, raw) {
		const data = raw as MessageNewData;
		item.messageId = canonicalMessageId(data.messageId);
		item.envelopeFrom = data.from?.address ?? null;
		item.recipients = (data.to ?? []).flatMap((to) => (to.address ? [to.address] : []));
	},

	authenticationError: fillConnectionProblem,
	connectError: fillConnectionProblem,

	exportFailed(item, data) {
		item.error = typeof data.error === 'string' ? data.error : null;
		item.errorCode = typeof data.errorCode === 'string' ? data.errorCode : null;
	},
};

function fillTracking(item: NormalizedEvent, data: TrackingData, engagement: Engagement) {
	item.messageId = canonicalMessageId(data.messageId);
	item.engagement = engagement;
	item.tracking = {
		url: data.url ?? null,
		listId: null,
		remoteAddress: data.remoteAddress ?? null,
		userAgent: data.userAgent ?? null,
	};
}

function fillListMembership(
	item: NormalizedEvent,
	data: ListMembershipData,
	engagement: Engagement,
) {
	item.messageId = canonicalMessageId(data.messageId);
	item.recipients = [data.recipient];
	item.engagement = engagement;
	item.tracking = {
		url: null,
		listId: data.listId,
		remoteAddress: data.remoteAddress ?? null,
		userAgent: data.userAgent ?? null,
	};
}

function fillConnectionProblem(item: NormalizedEvent, data: Record<string, unknown>) {
	item.error = typeof data.response === 'string' ? data.response : null;
	item.errorCode = typeof data.serverResponseCode === 'string' ? data.serverResponseCode : null;
}

function retryDetails(
	job: NonNullable<MessageDeliveryErrorData['job']>,
	smtpResponseCode: number | null,
): RetryDetails {
	// EmailEngine computes `nextAttempt` before it classifies the error, so a permanent SMTP
	// rejection (5xx other than 503) still carries a date although it is never retried.
	const permanent =
		smtpResponseCode !== null &&
		smtpResponseCode >= 500 &&
		smtpResponseCode < 600 &&
		smtpResponseCode !== 503;
	const willRetry = job.nextAttempt !== false && !permanent;

	return {
		attempt: job.attemptsMade + 1,
		maxAttempts: job.attempts,
		nextAttemptAt: willRetry ? (job.nextAttempt as string) : null,
		willRetry,
	};
}

/** A number EmailEngine reported as the reply code, if it is one (a whole number 200 to 599). */
function asReplyCode(code: number | undefined): number | null {
	return code !== undefined && Number.isInteger(code) && code >= 200 && code <= 599 ? code : null;
}

function replyCode(response: string | undefined): number | null {
	const match = response?.match(/^\s*([2-5]\d\d)\b/);
	return match ? Number(match[1]) : null;
}

function bareAddress(value: string): string {
	return value.trim().replace(/^<(.*)>$/, '$1');
}
