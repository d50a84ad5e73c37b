import { randomUUID } from 'node:crypto';

import type { Capture } from '../../test/support/fixtures';
import { sign } from '../../test/support/fixtures';
import type { OutgoingRequest } from './sender';

const EVENT_ID = 'x-ee-wh-event-id';
const SIGNATURE = 'x-ee-wh-signature';

/**
 * Cycles through the captures, sending each as EmailEngine did (same header lines, same bytes)
 * to another host, with the changes a kind of request needs.
 */
export function requestStream(
	captures: Capture[],
	url: string,
	change: (headers: Array<[string, string]>, capture: Capture) => Array<[string, string]>,
): () => OutgoingRequest {
	const host = new URL(url).host;
	let index = 0;
	return () => {
		const capture = captures[index++ % captures.length];
		const headers = capture.headerPairs.map(([name, value]): [string, string] =>
			name === 'host' ? [name, host] : [name, value],
		);
		return { headers: change(headers, capture), body: capture.bytes };
	};
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
