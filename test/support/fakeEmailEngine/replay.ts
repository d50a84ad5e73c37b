import type { Capture } from '../fixtures';
import { rawRequest } from './httpPost';

/** What a receiver answered to a replayed or raw request. */
export interface ReplayResult {
	status: number;
	/** Response body as text. */
	body: string;
	headers: Record<string, string | string[] | undefined>;
}

export interface ReplayOptions {
	/** Replace the captured `host` header with the target's host. Default false (byte-exact). */
	rewriteHost?: boolean;
	/** Give up after this many milliseconds. Default 10 000. */
	timeoutMs?: number;
}

/**
 * Sends a capture to `url` exactly as EmailEngine sent it: POST, the captured header names,
 * values and order, and the captured body bytes. Only the request path comes from `url`.
 */
export async function replayFixture(
	capture: Capture,
	url: string,
	options: ReplayOptions = {},
): Promise<ReplayResult> {
	const target = new URL(url);
	const headers = capture.headerPairs.map(([name, value]): [string, string] =>
		name === 'host' && options.rewriteHost ? [name, target.host] : [name, value],
	);
	return deliverRaw(url, { headers, body: capture.bytes, method: capture.method }, options);
}

/** A request for bad-input tests: any headers (ordered), any bytes. */
export interface RawDelivery {
	/** Header pairs in sending order, or an object (sent in key order). */
	headers: Array<[string, string]> | Record<string, string>;
	body: Buffer | string;
	/** Default POST. */
	method?: string;
}

/**
 * Sends arbitrary bytes with arbitrary headers. A `host` header is added first when missing and
 * `content-length` last when missing, so the request is well framed unless the test says otherwise.
 */
export async function deliverRaw(
	url: string,
	delivery: RawDelivery,
	options: { timeoutMs?: number } = {},
): Promise<ReplayResult> {
	const body = Buffer.isBuffer(delivery.body) ? delivery.body : Buffer.from(delivery.body, 'utf8');
	let headers: Array<[string, string]> = Array.isArray(delivery.headers)
		? [...delivery.headers]
		: Object.entries(delivery.headers);
	const has = (name: string): boolean =>
		headers.some(([candidate]) => candidate.toLowerCase() === name);
	if (!has('host')) {
		headers = [['host', new URL(url).host], ...headers];
	}
	if (!has('content-length') && !has('transfer-encoding')) {
		headers.push(['content-length', String(body.length)]);
	}
	const response = await rawRequest(url, headers, body, {
		method: delivery.method ?? 'POST',
		timeoutMs: options.timeoutMs ?? 10_000,
	});
	return {
		status: response.status,
		body: response.body.toString('utf8'),
		headers: response.headers,
	};
}
