import fc from 'fast-check';

import { mergeItem } from '../../nodes/EmailEngineCorrelate/merge';
import { resolveItem } from '../../nodes/EmailEngineCorrelate/resolve';
import { OUTCOMES } from '../../nodes/shared/correlation';
import { readEventInput } from '../../nodes/shared/eventInput';
import { parseRecord, stableJson, TRACKING_STATES } from '../../nodes/shared/trackingRecord';
import {
	edited,
	expectPrototypesUntouched,
	isPlainJson,
	type JsonPath,
	PROTOTYPE_NAMES,
	trickyJson,
	trickyString,
} from '../support/arbitraries';
import {
	LIFECYCLE_KINDS,
	lifecycleEvent,
	type Json,
	RELAYED_MESSAGE,
} from '../support/deliveryEvents';
import { connect, node, NODE_TYPES, runWorkflow } from '../support/workflow';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);
/** Each of these runs a workflow through n8n-core, so far fewer. */
const WORKFLOW_RUNS = Math.max(1, Math.round(RUNS / 20));

const message = RELAYED_MESSAGE;

const realEvents = LIFECYCLE_KINDS.map((kind, n) =>
	lifecycleEvent(kind, message, `event-${n}`, `2026-12-03T17:45:1${n}.000Z`, {
		referenceHeader: message.messageId,
	}),
);

/** Records a workflow really stores: one to three real events of the message merged. */
const realRecords = [1, 2, 3].map((count) => {
	let stored: unknown;
	for (const event of realEvents.slice(0, count)) {
		const step = mergeItem(event, stored, 50);
		if (!step.ok) throw new Error(step.message);
		stored = step.json.recordJson;
	}
	return JSON.parse(stored as string) as Json;
});

/** A value of the right shape for a key of `recipients`, `events` or a history entry. */
const wellShaped = fc.constantFrom<unknown>(
	{ state: 'bounced', since: '2026-12-03T17:46:00.000Z' },
	{ first: '2026-12-03T17:46:00.000Z', last: '2026-12-03T17:47:00.000Z', count: 1 },
	'2026-12-03T17:46:00.000Z',
	['okrcpt@example.net'],
);

const anyValue = fc.oneof(trickyString, trickyJson(2), wellShaped);

/** A real event with any of its fields, or a field under any name, set to any value. */
const nearEvent = edited(
	fc.constantFrom(...realEvents),
	fc.oneof(
		fc.constantFrom<JsonPath>(
			['body', 'event'],
			['body', 'account'],
			['body', 'date'],
			['body', 'data'],
			['body', 'data', 'queueId'],
			['body', 'data', 'messageId'],
			['body', 'data', 'recipient'],
			['body', 'data', 'envelope', 'to'],
			['body', 'data', 'envelope', 'to', 0],
			['headers', 'x-ee-wh-event-id'],
			['headers'],
		),
		trickyString.map((key): JsonPath => ['body', 'data', key]),
		trickyString.map((key): JsonPath => ['headers', key]),
	),
	anyValue,
);

/** What the EmailEngine node's Send output looks like, with any field of any type. */
const nearSubmission = fc.record(
	{
		queueId: fc.oneof(fc.constant(message.queueId), trickyJson(1)),
		messageId: fc.oneof(fc.constant(message.messageId), trickyJson(1)),
		response: fc.constant('Queued for delivery'),
		submittedAt: fc.oneof(fc.constant('2026-12-03T17:45:00.000Z'), trickyJson(1)),
		sendAt: trickyJson(1),
		account: fc.oneof(fc.constant(message.account), trickyJson(1)),
		reference: fc.oneof(fc.constant('order-17'), trickyJson(1)),
		recipients: fc.oneof(fc.array(trickyString, { maxLength: 3 }), trickyJson(1)),
	},
	{ requiredKeys: ['queueId', 'messageId', 'response'] },
);

/** The trigger's normalized item for a real event, with any of its fields set to any value. */
const nearNormalized = edited(
	fc.constantFrom(
		...realEvents.map((event) => {
			const read = readEventInput(event);
			if (!read.ok) throw new Error(read.message);
			return read.normalized as Json;
		}),
	),
	fc
		.oneof(
			fc.constantFrom('event', 'deliveryState', 'engagement', 'messageId', 'recipients', 'raw'),
			trickyString,
		)
		.map((key): JsonPath => [key]),
	anyValue,
);

/** A real event of any kind for a recipient whose address is one of the inherited names. */
const inheritedRecipient = fc
	.record({
		kind: fc.constantFrom(...LIFECYCLE_KINDS),
		recipient: fc.constantFrom(...PROTOTYPE_NAMES),
	})
	.map(({ kind, recipient }) =>
		lifecycleEvent(kind, { ...message, recipient }, `event-${kind}`, '2026-12-03T17:46:00.000Z'),
	);

const anyEvent = fc.oneof(
	nearEvent,
	inheritedRecipient,
	nearNormalized,
	nearSubmission,
	trickyJson(4),
	fc.constantFrom(...realEvents),
	nearEvent.map((event) => JSON.stringify(event)),
);

/** A real stored record with any field, or an entry under any name, set to any value. */
const nearRecord = edited(
	fc.constantFrom(...realRecords),
	fc.oneof(
		fc.constantFrom(...Object.keys(realRecords[2])).map((key): JsonPath => [key]),
		trickyString.map((key): JsonPath => ['recipients', key]),
		trickyString.map((key): JsonPath => ['events', key]),
		fc
			.constantFrom('event', 'eventId', 'occurredAt', 'recipients', 'outcome')
			.map((key): JsonPath => ['history', 0, key]),
	),
	anyValue,
);

const anyRecord = fc.oneof(
	fc.constantFrom<unknown>(undefined, null, '', '{}', ' '),
	fc.constantFrom(...realRecords),
	nearRecord,
	nearRecord.map((record) => JSON.stringify(record)),
	trickyJson(3),
	fc.string(),
);

/** n8n stores items as JSON: what a node emits must be plain JSON that survives that unchanged. */
const sameAfterStorage = (value: unknown) =>
	isPlainJson(value) && JSON.stringify(JSON.parse(JSON.stringify(value))) === JSON.stringify(value);

/** A merge result or the documented error; a throw fails the property by itself. */
function checkMerge(event: unknown, stored: unknown): void {
	const step = mergeItem(event, stored, 50);
	if (!step.ok) {
		expect(typeof step.message).toBe('string');
		expect(step.message.length).toBeGreaterThan(0);
		return;
	}
	expect(OUTCOMES).toContain(step.outcome);
	expect(sameAfterStorage(step.json)).toBe(true);

	// The record it hands on is one it accepts back unchanged: the next event starts from it.
	const record = step.json.record as Json;
	expect(TRACKING_STATES).toContain(record.state);
	expect(step.json.state).toBe(record.state);
	const reread = parseRecord(step.json.recordJson);
	if (!reread.ok) throw new Error(`its own record is refused: ${reread.message}`);
	expect(stableJson(reread.record)).toBe(stableJson(record));

	// Every address this event tells an outcome for has its own entry in the recipients.
	const recipients = record.recipients as Record<string, { state: string }>;
	const told = resolveItem(typeof event === 'string' ? JSON.parse(event) : event);
	if (told.ok && (told.json.deliveryState !== null || told.json.engagement !== null)) {
		for (const address of told.json.recipients as string[]) {
			const key = address.trim().toLowerCase();
			if (key === '' || key === '__proto__') continue;
			expect(Object.hasOwn(recipients, key)).toBe(true);
			expect(TRACKING_STATES).toContain(recipients[key].state);
		}
	}

	// The same event again is no news: same record, not a change, routed to "other".
	const again = mergeItem(event, step.json.recordJson, 50);
	if (!again.ok) throw new Error(`the same event merged again is refused: ${again.message}`);
	expect(again.json.changed).toBe(false);
	expect(again.outcome).toBe('other');
	expect(stableJson(again.json.record)).toBe(stableJson(record));
}

describe('the Correlate node on generated input', () => {
	expectPrototypesUntouched();

	it('Resolve gives the event with its keys or the documented error, for any input', () => {
		fc.assert(
			fc.property(anyEvent, (value) => {
				const step = resolveItem(value);
				if (!step.ok) {
					expect(step.message).toMatch(/^not an EmailEngine event: ./);
					return;
				}
				expect(OUTCOMES).toContain(step.outcome);
				expect(step.json.outcome).toBe(step.outcome);
				const { trackingKey, messageIds } = step.json;
				expect(trackingKey === null || typeof trackingKey === 'string').toBe(true);
				expect(Array.isArray(messageIds)).toBe(true);
				expect((messageIds as unknown[]).every((id) => typeof id === 'string')).toBe(true);
				expect(sameAfterStorage(step.json)).toBe(true);
			}),
			{ numRuns: RUNS },
		);
	});

	it('Merge gives a record it accepts back, or the documented error, for any event', () => {
		fc.assert(
			fc.property(anyEvent, fc.constantFrom<unknown>(undefined, ...realRecords), checkMerge),
			{ numRuns: RUNS },
		);
	});

	it('Merge gives a record it accepts back, or the documented error, for any stored record', () => {
		fc.assert(fc.property(fc.constantFrom(...realEvents), anyRecord, checkMerge), {
			numRuns: RUNS,
		});
	});

	it('Merge holds for any event and any stored record together', () => {
		fc.assert(fc.property(anyEvent, anyRecord, checkMerge), { numRuns: RUNS });
	});

	it('in a workflow, routes every item once or reports it by its index, whatever the items hold', async () => {
		const item = fc.oneof(
			anyEvent.filter(
				(value) => value !== null && typeof value === 'object' && !Array.isArray(value),
			),
			fc.record({ event: anyEvent, record: anyRecord }),
		);
		const merge = {
			operation: 'merge',
			event: '={{ $json.event ?? $json }}',
			record: '={{ $json.record }}',
		};
		await fc.assert(
			fc.asyncProperty(
				fc.array(item, { minLength: 1, maxLength: 5 }),
				fc.constantFrom<Json>(merge, { operation: 'resolve' }),
				async (items, parameters) => {
					const run = await runWorkflow(
						{
							nodes: [
								node('Trigger', NODE_TYPES.trigger, { events: ['*'] }, { webhookId: 't' }),
								node('Correlate', NODE_TYPES.correlate, parameters, {
									onError: 'continueRegularOutput',
								}),
							],
							connections: connect({}, 'Trigger', 'Correlate'),
						},
						{ startItems: items as Json[] },
					);
					expect(run.error).toBeUndefined();
					const seen: number[] = [];
					OUTCOMES.forEach((name, output) => {
						for (const out of run.items('Correlate', output)) {
							const index = (out.pairedItem as { item: number }).item;
							seen.push(index);
							// An error item holds only the message and the index; an event item has its own `error`.
							if ('itemIndex' in out.json && Object.keys(out.json).length === 2) {
								expect(name).toBe('other');
								expect(out.json.error).toMatch(new RegExp(`^Item ${index}: .`));
								expect(out.json.itemIndex).toBe(index);
							} else {
								expect(
									out.json.trackingKey === null || typeof out.json.trackingKey === 'string',
								).toBe(true);
								expect(sameAfterStorage(out.json)).toBe(true);
							}
						}
					});
					expect(seen.sort((a, b) => a - b)).toEqual(items.map((_, index) => index));
				},
			),
			{ numRuns: WORKFLOW_RUNS },
		);
	});
});
