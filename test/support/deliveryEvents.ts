import {
	deliveryMetaFromHeaders,
	normalizeEvent,
	parsePayload,
} from '../../nodes/shared/normalize';
import { fixture, fixtureJson, loadFixtures, type Capture } from './fixtures';

/**
 * EmailEngine events in the three shapes a workflow can hand to the helper nodes, all built
 * from the real captures.
 */

export type Json = Record<string, unknown>;

/** What n8n's generic Webhook node outputs for a capture. */
export function webhookNodeItem(capture: Capture): Json {
	return {
		headers: { ...capture.headers },
		params: {},
		query: {},
		body: fixtureJson(capture),
		webhookUrl: 'http://127.0.0.1:5678/webhook/emailengine',
		executionMode: 'production',
	};
}

/** What the trigger's raw output gives: the body with `eventId` put back. */
export function rawTriggerItem(capture: Capture): Json {
	const eventId = capture.headers['x-ee-wh-event-id'];
	return { ...fixtureJson(capture), ...(eventId ? { eventId } : {}) };
}

/** What the trigger's normalized output gives. */
export function normalizedTriggerItem(capture: Capture, includeRaw = false): Json {
	const parsed = parsePayload(fixtureJson(capture));
	if (!parsed.ok) throw new Error(`${capture.name}: ${parsed.message}`);
	return normalizeEvent(parsed.payload, deliveryMetaFromHeaders(capture.headers), {
		includeRaw,
	}) as Json;
}

/** Captures whose body is an EmailEngine payload (mapped-route bodies are not). */
export function payloadCaptures(): Capture[] {
	return loadFixtures().filter((capture) => parsePayload(fixtureJson(capture)).ok);
}

/** The identity of one sent message that synthetic events are made to refer to. */
export interface MessageIdentity {
	account: string;
	queueId: string;
	/** The Message-ID the message was queued with. */
	messageId: string;
	/** The Message-ID a relay substituted, if any. */
	rewrittenId?: string;
	recipient: string;
}

/** A message queued with a correlated Message-ID that Outlook's relay later replaced. */
export const RELAYED_MESSAGE: MessageIdentity = {
	account: 'bob',
	queueId: '1a23d0297b7423471bb',
	messageId: '<n8n-ref.order-17.00112233445566778899@example.com>',
	rewrittenId: '<AM0PR01MB0001.eurprd01.prod.outlook.com>',
	recipient: 'okrcpt@example.net',
};

export type LifecycleKind =
	| 'deferred'
	| 'rejected'
	| 'failed'
	| 'sent'
	| 'bounce'
	| 'complaint'
	| 'open'
	| 'click';

const TEMPLATES: Record<LifecycleKind, string> = {
	deferred: 'messageDeliveryError-global-1',
	rejected: 'messageDeliveryError-global-2',
	failed: 'messageFailed-global-1',
	sent: 'messageSent-global-1',
	bounce: 'messageBounce-global-1',
	complaint: 'messageComplaint-global-1',
	open: 'trackOpen-global-1',
	click: 'trackClick-global-1',
};

export const LIFECYCLE_KINDS = Object.keys(TEMPLATES) as LifecycleKind[];

/**
 * A real capture of the given kind, rewritten to concern `message`, with its own event id and
 * date. Returned as the Webhook node's `{headers, body}` so the event id travels as EmailEngine
 * sends it.
 */
export function lifecycleEvent(
	kind: LifecycleKind,
	message: MessageIdentity,
	eventId: string,
	date: string,
	options: { attemptsMade?: number; referenceHeader?: string } = {},
): Json {
	const capture = fixture(TEMPLATES[kind]);
	const body = structuredClone(fixtureJson(capture)) as Json & { data: Json };
	body.account = message.account;
	body.date = date;
	const data = body.data;
	const seenId = message.rewrittenId ?? message.messageId;

	switch (kind) {
		case 'deferred':
		case 'rejected':
			data.queueId = message.queueId;
			data.messageId = message.messageId;
			data.envelope = { from: 'alice@example.com', to: [message.recipient] };
			(data.job as Json).id = message.queueId;
			(data.job as Json).attemptsMade = options.attemptsMade ?? 0;
			break;
		case 'failed':
			data.queueId = message.queueId;
			data.messageId = message.messageId;
			break;
		case 'sent':
			data.queueId = message.queueId;
			data.messageId = seenId;
			if (message.rewrittenId) data.originalMessageId = message.messageId;
			data.envelope = { from: 'alice@example.com', to: [message.recipient] };
			break;
		case 'bounce': {
			data.messageId = seenId;
			data.recipient = message.recipient;
			const headers = data.messageHeaders as Json;
			headers['message-id'] = [seenId];
			if (options.referenceHeader) headers['x-n8n-reference'] = [options.referenceHeader];
			break;
		}
		case 'complaint':
			(data.headers as Json).messageId = seenId;
			(data.arf as Json).originalRcptTo = [`<${message.recipient}>`];
			break;
		case 'open':
		case 'click':
			data.messageId = message.messageId;
			break;
	}

	const headers = { ...capture.headers, 'x-ee-wh-event-id': eventId };
	return { headers, params: {}, query: {}, body };
}
