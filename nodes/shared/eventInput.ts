import {
	deliveryMetaFromHeaders,
	describeJsonType,
	normalizeEvent,
	parsePayload,
	type DeliveryMeta,
	type NormalizedEvent,
} from './normalize';
import type { EmailEnginePayload } from './schemas';

/** Where an item that carries an EmailEngine event came from. */
export type EventInputForm = 'raw' | 'normalized' | 'webhookNode';

export type EventInputResult =
	| {
			ok: true;
			form: EventInputForm;
			payload: EmailEnginePayload;
			meta: DeliveryMeta;
			/** The event as the trigger would have emitted it. */
			normalized: NormalizedEvent;
	  }
	| { ok: false; message: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads an EmailEngine event out of an n8n item, whichever shape it has:
 * - a raw webhook body, as the trigger's raw output gives it (`eventId` added back) or as any
 *   other node passes it on;
 * - a normalized item, as the trigger or the Normalize node emit it;
 * - the output of n8n's generic Webhook node, `{headers, params, query, body}`, whose headers
 *   hold the event id and attempt count that EmailEngine keeps out of the body.
 */
export function readEventInput(
	value: unknown,
	options: { includeRaw?: boolean } = {},
): EventInputResult {
	if (!isObject(value)) {
		return { ok: false, message: `Expected an object, got ${describeJsonType(value)}` };
	}

	if (isObject(value.body) && isObject(value.headers) && !('event' in value)) {
		const headers = lowerCaseHeaders(value.headers);
		const parsed = parsePayload(value.body);
		if (!parsed.ok) return { ok: false, message: `body: ${parsed.message}` };
		return finish('webhookNode', parsed.payload, deliveryMetaFromHeaders(headers), options);
	}

	if (looksNormalized(value)) {
		const payload = isObject(value.raw) ? value.raw : payloadFromNormalized(value);
		const parsed = parsePayload(payload);
		if (!parsed.ok) return { ok: false, message: parsed.message };
		const attempt = value.deliveryAttempt;
		const meta: DeliveryMeta = {
			eventId: stringOrNull(value.eventId) ?? stringOrNull(parsed.payload.eventId),
			attemptsMade: typeof attempt === 'number' && attempt >= 1 ? attempt - 1 : null,
			routeId: stringOrNull(value.routeId),
		};
		return finish('normalized', parsed.payload, meta, options);
	}

	const parsed = parsePayload(value);
	if (!parsed.ok) return { ok: false, message: parsed.message };
	const meta: DeliveryMeta = {
		eventId: stringOrNull(value.eventId),
		attemptsMade: null,
		routeId: null,
	};
	return finish('raw', parsed.payload, meta, options);
}

function finish(
	form: EventInputForm,
	payload: EmailEnginePayload,
	meta: DeliveryMeta,
	options: { includeRaw?: boolean },
): EventInputResult {
	// The trigger's raw output carries `eventId` in the body; the raw copy should not.
	const clean = { ...payload } as EmailEnginePayload & { eventId?: unknown };
	delete clean.eventId;
	const normalized = normalizeEvent(clean as EmailEnginePayload, meta, options);
	return { ok: true, form, payload: clean as EmailEnginePayload, meta, normalized };
}

/** A normalized item has `occurredAt` and `deliveryState` where a raw body has `date`. */
function looksNormalized(value: Json): boolean {
	return (
		typeof value.event === 'string' &&
		'occurredAt' in value &&
		'deliveryState' in value &&
		!('date' in value)
	);
}

function payloadFromNormalized(value: Json): Json {
	const payload: Json = {
		account: value.account ?? null,
		date: value.occurredAt,
		event: value.event,
		data: value.data,
	};
	if (typeof value.path === 'string') payload.path = value.path;
	if (typeof value.specialUse === 'string') payload.specialUse = value.specialUse;
	return payload;
}

function lowerCaseHeaders(headers: Json): Record<string, string | string[] | undefined> {
	// Header names come from input: "__proto__" must not become the object's prototype.
	const result: Record<string, string | string[] | undefined> = Object.create(null);
	for (const [name, value] of Object.entries(headers)) {
		if (typeof value === 'string' || Array.isArray(value)) {
			result[name.toLowerCase()] = value as string | string[];
		} else if (typeof value === 'number') {
			result[name.toLowerCase()] = String(value);
		}
	}
	return result;
}

function stringOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}
