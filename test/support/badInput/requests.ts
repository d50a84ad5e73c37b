import { createHash } from 'node:crypto';

import { CAPTURE_SERVICE_SECRET, sign, type Capture } from '../fixtures';
import type { ExpectedAnswer } from './types';

/** The secret every corpus request is signed with; the corpus triggers use it too. */
export const CORPUS_SECRET = CAPTURE_SERVICE_SECRET;

export const SIGNATURE = 'x-ee-wh-signature';

/** A capture's header lines with some replaced, some removed (undefined), some appended. */
export function headersOf(
	capture: Capture,
	changes: Record<string, string | undefined> = {},
): Array<[string, string]> {
	const lines = capture.headerPairs
		.filter(([name]) => name !== 'host' && name !== 'content-length')
		.filter(([name]) => !(name in changes) || changes[name] !== undefined)
		.map(([name, value]): [string, string] => [name, changes[name] ?? value]);
	for (const [name, value] of Object.entries(changes)) {
		if (value !== undefined && !lines.some(([existing]) => existing === name)) {
			lines.push([name, value]);
		}
	}
	return lines;
}

/**
 * The capture's headers around a new body that EmailEngine (holding the secret) signed, as a
 * new event: its own event id, so that the trigger reads the body instead of recognising a retry.
 */
export function signedHeaders(
	capture: Capture,
	body: Buffer | string,
	changes: Record<string, string | undefined> = {},
): Array<[string, string]> {
	return headersOf(capture, {
		[SIGNATURE]: sign(body, CORPUS_SECRET),
		[EVENT_ID]: freshEventId(body),
		...changes,
	});
}

export const EVENT_ID = 'x-ee-wh-event-id';

/** A UUID-shaped event id derived from the body, so each generated request has its own. */
export function freshEventId(body: Buffer | string): string {
	const hex = createHash('sha256').update(body).digest('hex');
	return [
		hex.slice(0, 8),
		hex.slice(8, 12),
		hex.slice(12, 16),
		hex.slice(16, 20),
		hex.slice(20, 32),
	].join('-');
}

export const UNAUTHORIZED: ExpectedAnswer = { status: 401, error: 'Unauthorized' };

/** n8n's own answer when `application/json` does not parse; the trigger never runs. */
export const N8N_PARSE_FAILURE: ExpectedAnswer = {
	status: 422,
	message: 'Failed to parse request body',
};

export const NOT_JSON: ExpectedAnswer = {
	status: 400,
	error: /^The request body is not valid JSON/,
};

export function badRequest(error: string | RegExp): ExpectedAnswer {
	return { status: 400, error };
}

export function invalidPayload(error: string | RegExp): ExpectedAnswer {
	return { status: 422, error };
}

export function ignored(reason: string | RegExp): ExpectedAnswer {
	return { status: 200, ignored: reason };
}

export function json(value: unknown): Buffer {
	return Buffer.from(JSON.stringify(value));
}

/** `a` or `an` with the JSON type, as the trigger's messages spell it. */
export function withArticle(kind: string): string {
	if (kind === 'null' || kind === 'undefined') return kind;
	return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}
