import fc from 'fast-check';

import { correlate } from '../../nodes/shared/correlation';
import { readEventInput } from '../../nodes/shared/eventInput';
import {
	conflictBetween,
	emptyRecord,
	foldObservation,
	observeEvent,
	observeSubmission,
	parseRecord,
	stableJson,
	type Observation,
	type TrackingRecord,
} from '../../nodes/shared/trackingRecord';
import {
	LIFECYCLE_KINDS,
	lifecycleEvent,
	payloadCaptures,
	webhookNodeItem,
	type Json,
	type LifecycleKind,
	type MessageIdentity,
} from '../support/deliveryEvents';

function observe(item: Json): Observation {
	const read = readEventInput(item);
	if (!read.ok) throw new Error(read.message);
	return observeEvent(read.normalized);
}

function fold(observations: Observation[], limit?: number): TrackingRecord {
	return observations.reduce(
		(record, observation) => foldObservation(record, observation, limit).record,
		emptyRecord(),
	);
}

/** Every captured event that concerns a sent message, grouped by the message. */
function capturedMessages(): Observation[][] {
	const groups = new Map<string, Observation[]>();
	for (const capture of payloadCaptures()) {
		const read = readEventInput(webhookNodeItem(capture));
		if (!read.ok) continue;
		const key = correlate(read.normalized).trackingKey;
		if (key === null) continue;
		groups.set(key, [...(groups.get(key) ?? []), observeEvent(read.normalized)]);
	}
	return [...groups.values()];
}

/** A permutation of the events with some of them repeated, as EmailEngine retries may do. */
function arrivals(events: Observation[]) {
	return fc
		.array(fc.nat({ max: events.length - 1 }), { maxLength: events.length })
		.chain((repeats) =>
			fc.shuffledSubarray([...events, ...repeats.map((i) => events[i])], {
				minLength: events.length + repeats.length,
			}),
		);
}

const message: MessageIdentity = {
	account: 'alice',
	queueId: '1a23d021ec67bcf8ba4',
	messageId: '<n8n-ref.deal-4711.0123456789abcdef0123@example.com>',
	rewrittenId: '<6A2E31F0-D6D2-43D3-9354-0C62AA0AE443@DM6PR11MB1234.namprd11.prod.outlook.com>',
	recipient: 'okrcpt@example.net',
};

/**
 * Event ids 1 to 24, each always naming the same event (as EmailEngine's ids do): its kind,
 * and one of only six dates, so that equal times and their tie-breaks are exercised too.
 */
const eventIds = fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 16 });

function synthesize(id: number): Observation {
	const kind: LifecycleKind = LIFECYCLE_KINDS[id % LIFECYCLE_KINDS.length];
	return observe(
		lifecycleEvent(
			kind,
			message,
			`event-${id}`,
			`2026-12-03T17:45:0${Math.floor(id / 3) % 6}.000Z`,
			{
				attemptsMade: id % 4,
				referenceHeader: message.messageId,
			},
		),
	);
}

const syntheticArrivals = eventIds.chain((ids) => {
	const events = ids.map(synthesize);
	return fc.tuple(fc.constant(events), arrivals(events));
});

describe('folding events into a tracking record', () => {
	const groups = capturedMessages();

	it('finds the captured messages with more than one event', () => {
		expect(groups.filter((events) => events.length > 2).length).toBeGreaterThanOrEqual(4);
	});

	it('keeps an address named like an Object method as a recipient of its own', () => {
		const bounce = observe(
			lifecycleEvent(
				'bounce',
				{ ...message, recipient: 'constructor' },
				'b-1',
				'2026-12-03T17:46:00.000Z',
			),
		);
		const record = fold([bounce]);
		expect(Object.keys(record.recipients)).toEqual(['constructor']);
		expect(record.recipients.constructor).toEqual({
			state: 'bounced',
			since: '2026-12-03T17:46:00.000Z',
		});
		expect(JSON.parse(JSON.stringify(record)).recipients).toEqual(record.recipients);
	});

	it('counts a stored history entry named like an Object method without touching Object.prototype', () => {
		const sent = observe(lifecycleEvent('sent', message, 's-1', '2026-12-03T17:45:00.000Z'));
		const stored = JSON.parse(JSON.stringify(fold([sent])));
		stored.history[0].event = 'toString';
		const parsed = parseRecord(stored);
		if (!parsed.ok) throw new Error(parsed.message);
		const next = foldObservation(parsed.record, { ...sent, eventId: 's-2' }).record;
		expect(Object.hasOwn(Object.prototype.toString, 'count')).toBe(false);
		expect(next.events).toEqual({
			messageSent: {
				first: '2026-12-03T17:45:00.000Z',
				last: '2026-12-03T17:45:00.000Z',
				count: 1,
			},
		});
	});

	it('gives the same record for every captured message in any order, with any duplicates', () => {
		for (const events of groups) {
			const expected = stableJson(fold(events));
			fc.assert(
				fc.property(arrivals(events), (arrived) => stableJson(fold(arrived)) === expected),
				{ numRuns: 60 },
			);
		}
	});

	it('gives the same record for any sequence of lifecycle events, in any order and repeated', () => {
		fc.assert(
			fc.property(
				syntheticArrivals,
				([events, arrived]) => stableJson(fold(events)) === stableJson(fold(arrived)),
			),
			{ numRuns: 300 },
		);
	});

	it('gives the same record with a small history limit, whichever events arrive first', () => {
		fc.assert(
			fc.property(
				syntheticArrivals,
				fc.integer({ min: 1, max: 4 }),
				([events, arrived], limit) =>
					stableJson(fold(events, limit)) === stableJson(fold(arrived, limit)),
			),
			{ numRuns: 300 },
		);
	});

	it('never lets a messageSent turn a bounce or a complaint back into "sent"', () => {
		fc.assert(
			fc.property(syntheticArrivals, ([, arrived]) => {
				const record = fold(arrived);
				const events = arrived;
				const kinds = new Set(events.map((event) => event.event));
				if (kinds.has('messageComplaint')) return record.state === 'complained';
				if (kinds.has('messageBounce')) return record.state === 'bounced';
				return true;
			}),
			{ numRuns: 300 },
		);
	});

	it('describes the captured lifecycle of a bounced, opened and clicked message', () => {
		const events = groups.find((group) =>
			group.some(
				(event) =>
					event.event === 'messageBounce' &&
					event.messageIds.includes('<7a0e4533-77a9-af7a-50d0-25e8c2ba3d43@example.com>'),
			),
		)!;
		const record = fold(events);
		expect(record).toMatchObject({
			trackingKey: '<7a0e4533-77a9-af7a-50d0-25e8c2ba3d43@example.com>',
			messageId: '<7a0e4533-77a9-af7a-50d0-25e8c2ba3d43@example.com>',
			queueId: '1a23d02175135ce827a',
			account: 'alice',
			state: 'complained',
			opened: true,
			clicked: true,
			unsubscribed: false,
			recipients: { 'okrcpt@example.net': { state: 'complained' } },
		});
		expect(Object.keys(record.events).sort()).toEqual([
			'messageBounce',
			'messageComplaint',
			'messageNew',
			'messageSent',
			'trackClick',
			'trackOpen',
		]);
		expect(record.events.messageSent.count).toBe(1);
		expect(record.history.map((entry) => entry.occurredAt)).toEqual(
			[...record.history.map((entry) => entry.occurredAt)].sort(),
		);
	});

	it('counts a retried delivery error once and keeps the highest attempt number', () => {
		const first = observe(lifecycleEvent('deferred', message, 'd1', '2026-12-03T17:44:37.803Z'));
		const second = observe(
			lifecycleEvent('deferred', message, 'd2', '2026-12-03T17:44:42.900Z', { attemptsMade: 1 }),
		);
		const record = fold([second, first, second, first]);
		expect(record.state).toBe('deferred');
		expect(record.attempts).toEqual({ failed: 2, max: 2 });
		expect(record.events.messageDeliveryError).toEqual({
			first: '2026-12-03T17:44:37.803Z',
			last: '2026-12-03T17:44:42.900Z',
			count: 2,
		});
		expect(foldObservation(record, first).changed).toBe(false);
	});

	it('starts a record in the queued state from the Send output and moves on from there', () => {
		const submitted = observeSubmission({
			queueId: message.queueId,
			messageId: message.messageId,
			account: 'alice',
			reference: 'deal-4711',
			recipients: ['OKRCPT@example.net'],
			submittedAt: '2026-12-03T17:44:30.000Z',
		});
		const queued = fold([submitted]);
		expect(queued).toMatchObject({
			state: 'queued',
			reference: 'deal-4711',
			trackingKey: message.messageId,
			recipients: { 'okrcpt@example.net': { state: 'queued' } },
		});
		const sent = fold([
			submitted,
			observe(lifecycleEvent('sent', message, 's1', '2026-12-03T17:44:39.163Z')),
		]);
		expect(sent.state).toBe('sent');
		expect(sent.messageIds).toEqual([
			'<6A2E31F0-D6D2-43D3-9354-0C62AA0AE443@dm6pr11mb1234.namprd11.prod.outlook.com>',
			message.messageId,
		]);
	});

	it('keeps delivery events before opens when the history is full, and says so', () => {
		const opens = Array.from({ length: 5 }, (_, i) =>
			observe(lifecycleEvent('open', message, `o${i}`, `2026-12-03T17:44:0${i}.000Z`)),
		);
		const sent = observe(lifecycleEvent('sent', message, 's1', '2026-12-03T17:50:00.000Z'));
		const record = fold([...opens, sent], 3);
		expect(record.history.map((entry) => entry.eventId)).toEqual(['o0', 'o1', 's1']);
		expect(record.historyTruncated).toBe(true);
		expect(record.events.trackOpen).toMatchObject({
			first: '2026-12-03T17:44:00.000Z',
			last: '2026-12-03T17:44:04.000Z',
		});
		expect(record.opened).toBe(true);
	});

	it('refuses an event of another message instead of mixing the two', () => {
		const record = fold([observe(lifecycleEvent('sent', message, 's1', '2026-12-03T17:44:39Z'))]);
		const other = observe(
			lifecycleEvent(
				'failed',
				{ ...message, queueId: '1a23d021cde9eb261e2' },
				'f1',
				'2026-12-03T17:44:40Z',
			),
		);
		expect(conflictBetween(record, other)).toBe(
			"The event belongs to another message: its queueId is 1a23d021cde9eb261e2, the record's is 1a23d021ec67bcf8ba4",
		);
		expect(() => foldObservation(record, other)).toThrow('belongs to another message');
	});
});

describe('reading a stored tracking record', () => {
	const record = fold([observe(lifecycleEvent('sent', message, 's1', '2026-12-03T17:44:39Z'))]);

	it.each([
		['nothing', undefined],
		['null', null],
		['an empty string (an empty Data Table column)', '   '],
		['an empty object', {}],
	])('starts a new record from %s', (_label, value) => {
		expect(parseRecord(value)).toEqual({ ok: true, record: emptyRecord(), isNew: true });
	});

	it('reads the object and its JSON text alike', () => {
		expect(parseRecord(record)).toEqual({ ok: true, record, isNew: false });
		expect(parseRecord(JSON.stringify(record))).toEqual({ ok: true, record, isNew: false });
	});

	it('names the field that makes a record unusable', () => {
		expect(parseRecord({ ...record, state: 'delivered' })).toEqual({
			ok: false,
			message: expect.stringMatching(
				/^The tracking record is not one this node wrote: record\.state/,
			),
		});
		expect(parseRecord('{"state":')).toEqual({
			ok: false,
			message: expect.stringMatching(/^The tracking record is not valid JSON/),
		});
	});
});
