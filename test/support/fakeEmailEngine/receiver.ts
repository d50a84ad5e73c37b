import type { IncomingMessage, ServerResponse } from 'node:http';

import { Listener } from './listener';

/** One request a receiver got, exactly as it arrived. */
export interface ReceivedRequest {
	method: string;
	url: string;
	/** Header names and values in arrival order and spelling (Node's `rawHeaders`, paired). */
	rawHeaders: Array<[string, string]>;
	/** Node's lower-cased header object. */
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	time: number;
}

/** How the receiver answers: a status, `'hang'` (never), or a function deciding per request. */
export type ReceiverAnswer =
	| number
	| 'hang'
	| ((request: ReceivedRequest, index: number) => number | 'hang');

/** A loopback webhook receiver for tests; records every request byte for byte. */
export interface WebhookReceiver {
	/** Base URL, e.g. `http://127.0.0.1:40123`. */
	readonly url: string;
	readonly requests: ReceivedRequest[];
	/** Change how later requests are answered. */
	answer(answer: ReceiverAnswer): void;
	/** Resolves once `count` requests have arrived. */
	waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
	stop(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 with a free port. Answers 200 `ok` unless told otherwise. */
export async function startWebhookReceiver(
	initial: ReceiverAnswer = 200,
): Promise<WebhookReceiver> {
	const requests: ReceivedRequest[] = [];
	const waiters = new Set<() => void>();
	let answer = initial;

	const listener = new Listener((request: IncomingMessage, response: ServerResponse) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const pairs: Array<[string, string]> = [];
			for (let index = 0; index < request.rawHeaders.length; index += 2) {
				pairs.push([request.rawHeaders[index], request.rawHeaders[index + 1]]);
			}
			const received: ReceivedRequest = {
				method: request.method ?? '',
				url: request.url ?? '',
				rawHeaders: pairs,
				headers: { ...request.headers },
				body: Buffer.concat(chunks),
				time: Date.now(),
			};
			requests.push(received);
			const decision =
				typeof answer === 'function' ? answer(received, requests.length - 1) : answer;
			for (const wake of [...waiters]) wake();
			if (decision === 'hang') return;
			response.writeHead(decision, { 'content-type': 'text/plain' });
			response.end(decision >= 200 && decision < 300 ? 'ok' : 'error');
		});
	});
	const port = await listener.listen();

	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		answer(next) {
			answer = next;
		},
		waitFor(count, timeoutMs = 5000) {
			return new Promise((resolve, reject) => {
				const check = (): void => {
					if (requests.length < count) return;
					clearTimeout(timer);
					waiters.delete(check);
					resolve(requests.slice(0, count));
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(
						new Error(`Receiver got ${requests.length} of ${count} requests in ${timeoutMs} ms`),
					);
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		stop: () => listener.close(),
	};
}
