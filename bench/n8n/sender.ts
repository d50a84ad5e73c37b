import http from 'node:http';

import { rawRequest } from '../../test/support/fakeEmailEngine/httpPost';

export interface OutgoingRequest {
	headers: Array<[string, string]>;
	body: Buffer;
}

export interface SendResult {
	sent: number;
	/** Count per HTTP status (0: no answer). */
	statuses: Record<string, number>;
	/** Time to the complete answer of each request answered at all (2xx, or 401 when forged), ms. */
	latenciesMs: number[];
	elapsedMs: number;
	/** The requests answered 2xx, for checking what n8n did with them. */
	answered: OutgoingRequest[];
}

/**
 * Sends like EmailEngine's webhook worker: `connections` keep-alive connections, each with one
 * request in flight at a time, the next one sent as soon as the previous one is answered.
 */
export async function sendFor(
	url: string,
	next: () => OutgoingRequest,
	options: { connections: number; durationMs: number },
): Promise<SendResult> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
	const result: SendResult = { sent: 0, statuses: {}, latenciesMs: [], elapsedMs: 0, answered: [] };
	const started = performance.now();
	const deadline = started + options.durationMs;

	const connection = async () => {
		while (performance.now() < deadline) {
			const request = next();
			const sentAt = performance.now();
			let status = 0;
			try {
				const response = await rawRequest(url, request.headers, request.body, {
					agent,
					timeoutMs: 30_000,
				});
				status = response.status;
			} catch {
				status = 0;
			}
			const tookMs = performance.now() - sentAt;
			result.sent++;
			result.statuses[status] = (result.statuses[status] ?? 0) + 1;
			if (status !== 0) result.latenciesMs.push(tookMs);
			if (status >= 200 && status < 300) result.answered.push(request);
		}
	};

	await Promise.all(Array.from({ length: options.connections }, connection));
	result.elapsedMs = performance.now() - started;
	agent.destroy();
	return result;
}
