import { randomUUID } from 'node:crypto';

import type { Capture } from '../../test/support/fixtures';
import { CAPTURE_SERVICE_SECRET, sign } from '../../test/support/fixtures';
import type { OutgoingRequest } from './sender';

const EVENT_ID = 'x-ee-wh-event-id';
const SIGNATURE = 'x-ee-wh-signature';

/**
 * Cycles through the captures, sending each as EmailEngine did (same header lines, same bytes)
 * to another host, with the changes a kind of request needs. With `uniqueBodies`, each request
 * carries a body of its own, signed again with the capture secret: EmailEngine never sends the
 * same body for two events (the date differs at least), and the trigger recognises a repeated
 * body by its signature.
 */
export function requestStream(
	captures: Capture[],
	url: string,
	change: (headers: Array<[string, string]>, capture: Capture) => Array<[string, string]>,
	options: { uniqueBodies?: boolean } = {},
): () => OutgoingRequest {
	const host = new URL(url).host;
	let index = 0;
	return () => {
		const sequence = index++;
		const capture = captures[sequence % captures.length];
		const body = options.uniqueBodies ? uniqueBody(capture) : capture.bytes;
		const headers = capture.headerPairs.map(([name, value]): [string, string] => {
			if (name === 'host') return [name, host];
			if (body === capture.bytes) return [name, value];
			if (name === 'content-length') return [name, String(body.length)];
			if (name === SIGNATURE) return [name, sign(body, CAPTURE_SERVICE_SECRET)];
			return [name, value];
		});
		return { headers: change(headers, capture), body };
	};
}

// Counts across every stream of the run, so that a later stream never repeats an earlier body.
let bodiesMade = 0;

/** The capture's body with its timestamp moved by a count of milliseconds no body used before. */
function uniqueBody(capture: Capture): Buffer {
	const shift = ++bodiesMade;
	const text = capture.body.replace(
		/"(date|at)":"([^"]+)"/,
		(_match, field: string, date: string) =>
			`"${field}":"${new Date(Date.parse(date) + shift).toISOString()}"`,
	);
	return Buffer.from(text, 'utf8');
}

/** A new event: EmailEngine gives every event its own id. */
export function freshEvent(headers: Array<[string, string]>): Array<[string, string]> {
	return headers.map(([name, value]): [string, string] =>
		name === EVENT_ID ? [name, randomUUID()] : [name, value],
	);
}

/** A retry of an event that was already delivered: its id repeats. */
export function repeatOf(
	delivered: OutgoingRequest[],
): (headers: Array<[string, string]>) => Array<[string, string]> {
	const ids = delivered
		.map((request) => request.headers.find(([name]) => name === EVENT_ID)?.[1])
		.filter((id): id is string => id !== undefined);
	let index = 0;
	return (headers) =>
		headers.map(([name, value]): [string, string] =>
			name === EVENT_ID ? [name, ids[index++ % ids.length]] : [name, value],
		);
}

/** A request signed with a secret that is not the service secret. */
export function forgedEvent(headers: Array<[string, string]>, capture: Capture) {
	return freshEvent(headers).map(([name, value]): [string, string] =>
		name === SIGNATURE ? [name, sign(capture.bytes, 'not-the-service-secret')] : [name, value],
	);
}

export function eventIdOf(request: OutgoingRequest): string | undefined {
	return request.headers.find(([name]) => name === EVENT_ID)?.[1];
}
