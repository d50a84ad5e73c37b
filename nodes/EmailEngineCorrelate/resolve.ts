import type { IDataObject } from 'n8n-workflow';

import { correlate, type Outcome } from '../shared/correlation';
import { readEventInput } from '../shared/eventInput';

export type StepResult =
	| { ok: true; json: IDataObject; outcome: Outcome }
	| { ok: false; message: string };

/** The normalized event plus what it tells about the message it concerns. */
export function resolveItem(value: unknown): StepResult {
	const read = readEventInput(value);
	if (!read.ok) return { ok: false, message: `not an EmailEngine event: ${read.message}` };
	const correlation = correlate(read.normalized);
	return {
		ok: true,
		outcome: correlation.outcome,
		json: {
			...read.normalized,
			trackingKey: correlation.trackingKey,
			reference: correlation.reference,
			referenceSource: correlation.referenceSource,
			messageIds: correlation.messageIds,
			outcome: correlation.outcome,
		} as IDataObject,
	};
}
