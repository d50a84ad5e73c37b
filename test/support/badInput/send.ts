import http from 'node:http';

import { isStreamed } from './streamedBody';
import type { BadRequestCase } from './types';

export interface CaseAnswer {
	status: number;
	body: string;
	/** Milliseconds from the first byte sent to the last byte received. */
	elapsedMs: number;
}

/**
 * Sends one corpus request to `url` exactly as listed: its header lines in order (duplicates
 * included), `host` and `content-length` added when missing, and the body streamed with
 * back-pressure so that a body of tens of megabytes never sits in this process's memory.
 */
export async function sendCase(
	url: string,
	testCase: Pick<BadRequestCase, 'headers' | 'body'>,
	options: { timeoutMs?: number; method?: string } = {},
): Promise<CaseAnswer> {
	const target = new URL(url);
	const size = isStreamed(testCase.body) ? testCase.body.size : testCase.body.length;
	const headers = [...testCase.headers];
	const has = (name: string) => headers.some(([candidate]) => candidate.toLowerCase() === name);
	if (!has('host')) headers.unshift(['host', target.host]);
	if (!has('content-length') && !has('transfer-encoding')) {
		headers.push(['content-length', String(size)]);
	}

	const started = performance.now();
	return await new Promise<CaseAnswer>((resolve, reject) => {
		const request = http.request({
			hostname: target.hostname,
			port: target.port,
			path: `${target.pathname}${target.search}`,
			method: options.method ?? 'POST',
			setHost: false,
			agent: false,
			headers: headers.flat() as unknown as http.OutgoingHttpHeaders,
		});
		const timer = setTimeout(
			() => request.destroy(new Error(`no answer within ${options.timeoutMs ?? 60_000} ms`)),
			options.timeoutMs ?? 60_000,
		);
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				clearTimeout(timer);
				resolve({
					status: response.statusCode ?? 0,
					body: Buffer.concat(chunks).toString('utf8'),
					elapsedMs: performance.now() - started,
				});
			});
		});
		request.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		void writeBody(request, testCase.body).catch(() => {
			// A server may answer (413, 431) and close before it read everything; the answer counts.
		});
	});
}

async function writeBody(request: http.ClientRequest, body: BadRequestCase['body']) {
	if (!isStreamed(body)) {
		request.end(body);
		return;
	}
	for (const chunk of body.chunks()) {
		if (request.destroyed) return;
		if (!request.write(chunk)) {
			await new Promise<void>((resolve) => {
				const done = () => {
					request.off('drain', done);
					request.off('close', done);
					resolve();
				};
				request.on('drain', done);
				request.on('close', done);
			});
		}
	}
	request.end();
}
