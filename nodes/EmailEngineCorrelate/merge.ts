import type { IDataObject } from 'n8n-workflow';

import { correlate, outcomeOf, type Outcome } from '../shared/correlation';
import { readEventInput } from '../shared/eventInput';
import {
	foldObservation,
	isSubmission,
	observeEvent,
	observeSubmission,
	parseRecord,
	parseSubmission,
	conflictBetween,
	type Observation,
	type TrackingRecord,
} from '../shared/trackingRecord';
import type { StepResult } from './resolve';

/** Folds one event into the record it was given and says where the item should go. */
export function mergeItem(
	eventValue: unknown,
	recordValue: unknown,
	historyLimit: number,
): StepResult {
	const event = parseJsonParameter(eventValue);
	const observed = observe(event);
	if (!observed.ok) return observed;
	const { observation, outcome } = observed;

	if (observation.queueId === null && observation.messageIds.length === 0) {
		return {
			ok: false,
			message: `the ${observation.event} event does not concern a sent message, so there is nothing to merge`,
		};
	}

	const parsed = parseRecord(recordValue);
	if (!parsed.ok) return { ok: false, message: parsed.message };

	const conflict = conflictBetween(parsed.record, observation);
	if (conflict) return { ok: false, message: conflict };
	const { record, changed } = foldObservation(parsed.record, observation, historyLimit);

	return {
		ok: true,
		outcome: routeOf(outcome, observation, record, changed),
		json: {
			trackingKey: record.trackingKey,
			reference: record.reference,
			state: record.state,
			changed,
			isNewRecord: parsed.isNew,
			event: observation.event,
			eventId: observation.eventId,
			record: record as unknown as IDataObject,
			recordJson: JSON.stringify(record),
		},
	};
}

type Observed =
	| { ok: true; observation: Observation; outcome: Outcome }
	| { ok: false; message: string };

function observe(event: unknown): Observed {
	if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
		const candidate = event as Record<string, unknown>;
		if (isSubmission(candidate)) {
			const parsed = parseSubmission(candidate);
			if (!parsed.ok) return parsed;
			return { ok: true, observation: observeSubmission(parsed.submission), outcome: 'other' };
		}
	}
	const read = readEventInput(event);
	if (!read.ok)
		return { ok: false, message: `the event is not an EmailEngine event: ${read.message}` };
	const correlation = correlate(read.normalized);
	return {
		ok: true,
		observation: observeEvent(read.normalized, correlation),
		outcome: outcomeOf(read.normalized),
	};
}

/**
 * An item goes to its event's output only when the event is news for the record: it changed
 * the record and its state is the record's state now. A late `messageSent` after a bounce, or
 * a repeated delivery, goes to "other", so a CRM is never told twice or told something stale.
 */
function routeOf(
	outcome: Outcome,
	observation: Observation,
	record: TrackingRecord,
	changed: boolean,
): Outcome {
	if (!changed) return 'other';
	if (outcome === 'engaged') return 'engaged';
	if (observation.state !== null && observation.state === record.state && outcome !== 'other') {
		return outcome;
	}
	return 'other';
}

/** n8n hands a JSON parameter over as text unless an expression produced an object. */
function parseJsonParameter(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const text = value.trim();
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return value;
	}
}
