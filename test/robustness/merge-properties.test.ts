import fc from 'fast-check';

import { mergeItem } from '../../nodes/EmailEngineCorrelate/merge';
import { stableJson } from '../../nodes/shared/trackingRecord';
import {
	LIFECYCLE_KINDS,
	lifecycleEvent,
	type Json,
	RELAYED_MESSAGE,
} from '../support/deliveryEvents';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

const message = RELAYED_MESSAGE;

/** Event number n always is the same event, as an EmailEngine event id always is. */
function event(n: number): Json {
	return lifecycleEvent(
		LIFECYCLE_KINDS[n % LIFECYCLE_KINDS.length],
		message,
		`event-${n}`,
		`2026-12-03T17:45:${String(10 + (n % 7)).padStart(2, '0')}.000Z`,
		{ attemptsMade: n % 3, referenceHeader: message.messageId },
	);
}

interface Run {
	record: string;
	routed: Array<{ eventId: unknown; outcome: string; changed: unknown }>;
}

/** What a workflow does: each item through Merge, the stored record handed to the next one. */
function runMerge(sequence: number[]): Run {
	let stored: unknown = undefined;
	const routed: Run['routed'] = [];
	for (const n of sequence) {
		const step = mergeItem(event(n), stored, 50);
		if (!step.ok) throw new Error(`event-${n}: ${step.message}`);
		stored = step.json.recordJson;
		routed.push({ eventId: step.json.eventId, outcome: step.outcome, changed: step.json.changed });
	}
	return { record: stableJson(JSON.parse(stored as string)), routed };
}

const distinctEvents = fc.uniqueArray(fc.integer({ min: 0, max: 30 }), {
	minLength: 1,
	maxLength: 12,
});

/** The same events in another order, each possibly more than once. */
const reorderings = distinctEvents.chain((events) =>
	fc.tuple(
		fc.constant(events),
		fc
			.array(fc.constantFrom(...events), { maxLength: 8 })
			.chain((extra) =>
				fc.shuffledSubarray([...events, ...extra], { minLength: events.length + extra.length }),
			),
	),
);

describe('the Correlate Merge on generated event sequences', () => {
	it('ends with the same record whatever the order and however often events repeat', () => {
		fc.assert(
			fc.property(reorderings, ([events, arrived]) => {
				expect(runMerge(arrived).record).toBe(runMerge(events).record);
			}),
			{ numRuns: RUNS },
		);
	});

	it('never routes a repeated event to an outcome output, and never reports it as a change', () => {
		fc.assert(
			fc.property(reorderings, ([, arrived]) => {
				const seen = new Set<unknown>();
				for (const step of runMerge(arrived).routed) {
					if (seen.has(step.eventId)) {
						expect(step).toMatchObject({ outcome: 'other', changed: false });
					}
					seen.add(step.eventId);
				}
			}),
			{ numRuns: RUNS },
		);
	});

	it('tells each outcome output at most once per distinct event', () => {
		fc.assert(
			fc.property(reorderings, ([events, arrived]) => {
				const told = runMerge(arrived).routed.filter((step) => step.outcome !== 'other');
				expect(new Set(told.map((step) => step.eventId)).size).toBe(told.length);
				expect(told.length).toBeLessThanOrEqual(events.length);
			}),
			{ numRuns: RUNS },
		);
	});
});
