import type { IncomingMessage, ServerResponse } from 'node:http';

import { authorize, presentedToken } from './auth';
import type { RouteDefinition } from './core';
import { ApiError, accountNotFound, badToken, pageNotFound } from './errors';
import { maskEverything, type Fault, type FaultBook } from './faults';
import { findRoute } from './router';
import type { LoggedRequest, TokenConfig } from './types';

/** What the handler needs from the fake around it. */
export interface RestHandlerContext {
	routes: RouteDefinition[];
	tokens(): TokenConfig[];
	faults: FaultBook;
	log: LoggedRequest[];
	/** Called after each answered request; may return a promise the next request waits for. */
	afterRequest(): Promise<void> | void;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

function send(
	response: ServerResponse,
	status: number,
	payload: unknown,
	headers: Record<string, string> = {},
): void {
	const body = Buffer.from(JSON.stringify(payload));
	response.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-cache',
		'content-length': String(body.length),
		...headers,
	});
	response.end(body);
}

function faultPayload(fault: Extract<Fault, { kind: 'status' }>, path: string): ApiError | unknown {
	if (fault.body !== undefined) return fault.body;
	switch (fault.status) {
		case 401:
			return badToken();
		case 403:
			return new ApiError(403, 'Unauthorized account');
		case 404:
			return /\/v1\/account\//.test(path) ? accountNotFound() : pageNotFound();
		case 500:
			return new ApiError(500, 'An internal server error occurred');
		default:
			return new ApiError(fault.status, 'Injected failure');
	}
}

/** Builds the request listener: log, faults, route, auth, JSON body, handler, Boom-style errors. */
export function createRestHandler(context: RestHandlerContext) {
	let previous: Promise<void> = Promise.resolve();

	return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
		await previous;
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const method = (request.method ?? 'GET').toUpperCase();
		const query = Object.fromEntries(url.searchParams.entries());
		const raw = await readBody(request);
		const text = raw.toString('utf8');
		let parsed: unknown = text.length ? text : undefined;
		let jsonError = false;
		if (text.length) {
			try {
				parsed = JSON.parse(text);
			} catch {
				jsonError = /json/i.test(request.headers['content-type'] ?? 'application/json');
			}
		}
		const presented = presentedToken(request.headers.authorization, query);
		const entry: LoggedRequest = {
			method,
			path: url.pathname,
			query,
			headers: { ...request.headers },
			body: parsed,
			auth: presented,
			status: null,
			time: Date.now(),
		};
		context.log.push(entry);

		const match = findRoute(context.routes, method, url.pathname);
		const fault = context.faults.take(method, url.pathname, match?.route.path);
		const answer = (status: number, payload: unknown, headers?: Record<string, string>): void => {
			entry.status = status;
			if (payload instanceof ApiError) {
				send(response, payload.statusCode, payload.payload, { ...payload.headers, ...headers });
			} else {
				send(response, status, payload, headers);
			}
			const after = context.afterRequest();
			if (after) previous = after.catch(() => undefined);
		};

		if (fault?.kind === 'hang') return;
		if (fault?.kind === 'reset') {
			request.socket.destroy();
			return;
		}
		if (fault?.kind === 'delay') {
			await new Promise((resolve) => setTimeout(resolve, fault.ms));
		}
		if (fault?.kind === 'status') {
			const payload = faultPayload(fault, url.pathname);
			answer(payload instanceof ApiError ? payload.statusCode : fault.status, payload);
			return;
		}
		if (fault?.kind === 'malformedJson') {
			entry.status = 200;
			response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
			response.end('{"statusCode":200,"truncated":');
			const after = context.afterRequest();
			if (after) previous = after.catch(() => undefined);
			return;
		}

		try {
			if (!match) throw pageNotFound();
			const { route, params } = match;
			let token: TokenConfig | null = null;
			if (route.permission) {
				token = authorize(context.tokens(), presented, route.permission, params.account);
			}
			if (jsonError) {
				throw new ApiError(400, 'Invalid request payload JSON format');
			}
			const result = await route.handler({
				method,
				path: url.pathname,
				params,
				query: Object.fromEntries(Object.entries(query).filter(([key]) => key !== 'access_token')),
				headers: request.headers,
				body: parsed,
				token,
			});
			answer(200, fault?.kind === 'maskAll' ? maskEverything(result) : result);
		} catch (error) {
			if (error instanceof ApiError) {
				answer(error.statusCode, error);
			} else {
				answer(500, new ApiError(500, 'An internal server error occurred'));
			}
		}
	};
}
