import fc from 'fast-check';

import { EMAILENGINE_EVENTS } from '../../nodes/shared/events';
import { readEventInput } from '../../nodes/shared/eventInput';
import {
	deliveryMetaFromHeaders,
	normalizeEvent,
	parsePayload,
	type NormalizedEvent,
} from '../../nodes/shared/normalize';
import {
	expectPrototypesUntouched,
	isPlainJson,
	nearPayload,
	trickyJson,
	trickyString,
} from '../support/arbitraries';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);

/** The fields every normalized item has, whatever the event. */
const ITEM_FIELDS = [
	'event',
	'eventId',
	'account',
	'occurredAt',
	'deliveryAttempt',
	'routeId',
	'queueId',
	'messageId',
	'originalMessageId',
	'envelopeFrom',
	'recipients',
	'deliveryState',
	'engagement',
	'smtpResponse',
	'smtpResponseCode',
	'smtpCommand',
	'error',
	'errorCode',
	'retry',
	'bounce',
	'complaint',
	'tracking',
	'path',
	'specialUse',
	'data',
];

const stringOrNull = (value: unknown) => value === null || typeof value === 'string';

/** What "a valid item" means, checked field by field rather than by a second schema. */
function itemProblem(item: NormalizedEvent, payload: Record<string, unknown>): string | null {
	const missing = ITEM_FIELDS.filter((field) => !(field in item));
	if (missing.length > 0) return `missing ${missing.join(', ')}`;
	if (item.event !== payload.event) return 'event differs from the payload';
	if (!stringOrNull(item.account)) return 'account';
	for (const field of [
		'queueId',
		'messageId',
		'originalMessageId',
		'envelopeFrom',
		'smtpResponse',
		'smtpCommand',
		'error',
		'errorCode',
		'path',
		'specialUse',
	] as const) {
		if (!stringOrNull(item[field])) return `${field} is ${typeof item[field]}`;
	}
	if (!Array.isArray(item.recipients) || !item.recipients.every((r) => typeof r === 'string')) {
		return 'recipients';
	}
	if (item.smtpResponseCode !== null && !Number.isInteger(item.smtpResponseCode)) {
		return 'smtpResponseCode';
	}
	if (item.messageId !== null && !/^<.*>$/.test(item.messageId)) return 'messageId form';
	// EmailEngine's queue id of a bounce is the remote server's: it never lands in queueId.
	if (item.event === 'messageBounce' && item.queueId !== null) return 'bounce queueId';
	if (typeof item.data !== 'object' || item.data === null) return 'data';
	// An item must survive n8n's storage as JSON unchanged.
	if (!isPlainJson(item)) return 'not plain JSON';
	if (JSON.stringify(JSON.parse(JSON.stringify(item))) !== JSON.stringify(item)) return 'not JSON';
	return null;
}

/** Either a valid item or the documented error; a throw fails the property by itself. */
function checkValue(value: unknown): boolean {
	const parsed = parsePayload(value);
	if (!parsed.ok) return typeof parsed.message === 'string' && parsed.message.length > 0;
	const item = normalizeEvent(parsed.payload, deliveryMetaFromHeaders({}), { includeRaw: true });
	const problem = itemProblem(item, parsed.payload);
	if (problem) throw new Error(`invalid item (${problem}) for ${JSON.stringify(value)}`);
	return true;
}

const nearPayloads = nearPayload();

describe('the normalizer on generated input', () => {
	expectPrototypesUntouched();

	it('gives a valid item or the documented error for any JSON value', () => {
		fc.assert(fc.property(trickyJson(5), checkValue), { numRuns: RUNS });
	});

	it('gives a valid item or the documented error for any object with an event', () => {
		const names = EMAILENGINE_EVENTS.map((event) => event.name);
		const envelope = fc.record(
			{
				event: fc.oneof(fc.constantFrom(...names), trickyString, fc.jsonValue()),
				account: fc.oneof(trickyString, fc.constant(null), fc.jsonValue()),
				date: fc.oneof(
					fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
					fc.jsonValue(),
				),
				data: fc.oneof(fc.dictionary(trickyString, trickyJson(3)), fc.jsonValue()),
				path: fc.jsonValue({ maxDepth: 1 }),
			},
			{ requiredKeys: ['event'] },
		);
		fc.assert(fc.property(envelope, checkValue), { numRuns: RUNS });
	});

	it('gives a valid item or the documented error for real payloads with fields changed', () => {
		fc.assert(fc.property(nearPayloads, checkValue), { numRuns: RUNS });
	});

	it('reads a trigger item, a Webhook node item or anything else without throwing', () => {
		const shapes = fc.oneof(
			trickyJson(4),
			nearPayloads,
			nearPayloads.map((body) => ({ body, headers: { 'x-ee-wh-event-id': 'e-1' } })),
			nearPayloads.map((payload) => {
				const parsed = parsePayload(payload);
				return parsed.ok ? normalizeEvent(parsed.payload) : payload;
			}),
		);
		fc.assert(
			fc.property(shapes, (value) => {
				const read = readEventInput(value);
				if (!read.ok) return typeof read.message === 'string' && read.message.length > 0;
				return itemProblem(read.normalized, { event: read.normalized.event }) === null;
			}),
			{ numRuns: RUNS },
		);
	});
});
