import type { IDataObject } from 'n8n-workflow';

import type { EventIdMemory } from '../shared/dedup';
import { ALL_EVENTS } from '../shared/events';
import {
	deliveryMetaFromHeaders,
	describeJsonType,
	normalizeEvent,
	parsePayload,
} from '../shared/normalize';
import { SIGNATURE_HEADER, verifySignature } from '../shared/signature';

export type IncomingHeaders = Record<string, string | string[] | undefined>;

export interface ReceiveSettings {
	/** The credential's signing secrets; no current secret means events cannot be verified. */
	secrets: { current?: string; previous?: string };
	acceptUnsigned: boolean;
	/** Selected event names, or `*`. */
	events: ReadonlySet<string>;
	/** Selected account ids, or null for every account. */
	accounts: ReadonlySet<string> | null;
	output: 'normalized' | 'raw';
	includeRaw: boolean;
}

/**
 * What the trigger does with one request. `accept` starts an execution; `ignore` answers 200 so
 * that EmailEngine does not retry, and starts none; `reject` answers with a 4xx and starts none.
 */
export type Outcome =
	| {
			kind: 'accept';
			item: IDataObject;
			eventId: string | null;
			event: string | null;
			/** What the memory now knows this delivery by; forgotten if its execution does not start. */
			keys: readonly string[];
	  }
	| { kind: 'ignore'; reason: string }
	| { kind: 'reject'; status: 400 | 401 | 422; message: string; logReason: string };

/**
 * Decides what to do with a webhook request from its raw bytes and headers. Nothing in the
 * request can make this throw: every problem becomes an outcome.
 */
export function receive(
	rawBody: Buffer,
	headers: IncomingHeaders,
	settings: ReceiveSettings,
	memory: EventIdMemory,
): Outcome {
	const authenticity = checkAuthenticity(rawBody, headers, settings);
	if (authenticity) return authenticity;

	if (rawBody.length === 0) return badRequest('The request body is empty');

	// A signed retry of an event that already started an execution needs no further reading.
	// EmailEngine's signature does not cover the event id header, so a replayed body is also
	// recognised by its signature, whatever event id it comes with.
	const meta = deliveryMetaFromHeaders(headers);
	const delivery = deliveryKeys(
		meta.eventId,
		settings.secrets.current ? headers[SIGNATURE_HEADER] : undefined,
	);
	const seen = alreadyReceived(delivery, memory);
	if (seen) return seen;

	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch (error) {
		// The parser's message quotes the body; the sender may see it, the log must not.
		return {
			kind: 'reject',
			status: 400,
			message: `The request body is not valid JSON (${(error as Error).message})`,
			logReason: 'The request body is not valid JSON',
		};
	}

	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		return badRequest(`The request body must be a JSON object, not ${describeJsonType(body)}`);
	}

	// A webhook route's mapping function builds the whole body, so it need not look like an
	// EmailEngine payload at all. The route header and the valid signature vouch for it.
	if (meta.routeId !== null && !('event' in body)) {
		return accept(delivery, memory, null, body as IDataObject);
	}

	// Selection is decided on the envelope alone, so an event this trigger does not want costs no
	// validation (the same checks run again below on the validated payload).
	const envelope = body as { event?: unknown; account?: unknown };
	if (
		typeof envelope.event === 'string' &&
		!settings.events.has(ALL_EVENTS) &&
		!settings.events.has(envelope.event)
	) {
		return { kind: 'ignore', reason: `Event ${envelope.event} is not selected in this trigger` };
	}
	if (
		settings.accounts &&
		(typeof envelope.account === 'string' || envelope.account === null) &&
		!settings.accounts.has(envelope.account ?? '')
	) {
		return {
			kind: 'ignore',
			reason: `Account ${envelope.account} is not selected in this trigger`,
		};
	}

	const parsed = parsePayload(body);
	if (!parsed.ok) {
		return {
			kind: 'reject',
			status: 422,
			message: parsed.message,
			logReason: 'payload failed validation',
		};
	}

	const { payload } = parsed;
	if (!settings.events.has(ALL_EVENTS) && !settings.events.has(payload.event)) {
		return { kind: 'ignore', reason: `Event ${payload.event} is not selected in this trigger` };
	}

	if (settings.accounts && !settings.accounts.has(payload.account ?? '')) {
		return { kind: 'ignore', reason: `Account ${payload.account} is not selected in this trigger` };
	}

	return accept(
		delivery,
		memory,
		payload.event,
		settings.output === 'raw'
			? // EmailEngine moves eventId out of the body into a header; putting it back gives the
				// payload as EmailEngine built it, and lets Remove Duplicates work on raw items.
				({ ...payload, ...(meta.eventId ? { eventId: meta.eventId } : {}) } as IDataObject)
			: (normalizeEvent(payload, meta, { includeRaw: settings.includeRaw }) as IDataObject),
	);
}

function checkAuthenticity(
	rawBody: Buffer,
	headers: IncomingHeaders,
	settings: ReceiveSettings,
): Outcome | undefined {
	const { current, previous } = settings.secrets;

	if (!current) {
		if (settings.acceptUnsigned) return undefined;
		return unauthorized('no webhook signing secret is configured in the credential');
	}

	const check = verifySignature(rawBody, headers[SIGNATURE_HEADER], { current, previous });
	if (check.valid) return undefined;

	const reasons = {
		missing: 'the X-EE-Wh-Signature header is missing',
		malformed: 'the X-EE-Wh-Signature header is not a single base64url HMAC-SHA256 value',
		mismatch: 'the signature does not match the configured signing secret',
	};
	return unauthorized(reasons[check.reason]);
}

interface DeliveryKeys {
	eventId: string | null;
	/** The verified signature; absent when events are accepted unsigned. */
	signature: string | null;
	all: string[];
}

function deliveryKeys(
	eventId: string | null,
	signature: string | string[] | undefined,
): DeliveryKeys {
	const verified = typeof signature === 'string' ? signature : null;
	return {
		eventId,
		signature: verified,
		all: [eventId, verified].filter((key): key is string => key !== null),
	};
}

function alreadyReceived(keys: DeliveryKeys, memory: EventIdMemory): Outcome | undefined {
	if (keys.eventId !== null && memory.has(keys.eventId)) {
		return { kind: 'ignore', reason: `Event ${keys.eventId} was already received` };
	}
	if (keys.signature !== null && memory.has(keys.signature)) {
		return { kind: 'ignore', reason: 'This signed body was already received' };
	}
	return undefined;
}

// Called only after alreadyReceived() found none of the keys, with nothing asynchronous in
// between, so recording cannot find a duplicate.
function accept(
	keys: DeliveryKeys,
	memory: EventIdMemory,
	event: string | null,
	item: IDataObject,
): Outcome {
	if (keys.all.length > 0) memory.checkAndRecordAll(keys.all);
	return { kind: 'accept', item, eventId: keys.eventId, event, keys: keys.all };
}

function unauthorized(logReason: string): Outcome {
	return { kind: 'reject', status: 401, message: 'Unauthorized', logReason };
}

function badRequest(message: string): Outcome {
	return { kind: 'reject', status: 400, message, logReason: message };
}
