import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** What came back from a raw request. */
export interface RawResponse {
	status: number;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

/** Why a raw request produced no response. `code` is `ETIMEDOUT` for our own timeout. */
export class RawRequestError extends Error {
	readonly code: string;

	constructor(code: string, message: string) {
		super(message);
		this.code = code;
	}
}

export interface RawRequestOptions {
	method?: string;
	/** Abort after this many milliseconds without a complete answer. */
	timeoutMs?: number;
	/** Keep-alive agent to reuse; a private one is made and destroyed otherwise. */
	agent?: http.Agent;
}

/**
 * Sends exactly these header lines, in this order and spelling, with exactly these body bytes.
 * Node adds nothing of its own because the host header is ours (`setHost: false`) and the
 * headers are passed as a raw list.
 */
export function rawRequest(
	target: string,
	headers: Array<[string, string]>,
	body: Buffer,
	options: RawRequestOptions = {},
): Promise<RawResponse> {
	const url = new URL(target);
	const secure = url.protocol === 'https:';
	const transport = secure ? https : http;
	const ownAgent = options.agent ? undefined : new transport.Agent({ keepAlive: true });
	const agent = options.agent ?? ownAgent;

	return new Promise<RawResponse>((resolve, reject) => {
		let timer: NodeJS.Timeout | undefined;
		const finish = (error: RawRequestError | null, response?: RawResponse): void => {
			if (timer) clearTimeout(timer);
			ownAgent?.destroy();
			if (error) reject(error);
			else resolve(response as RawResponse);
		};

		const request = transport.request({
			protocol: url.protocol,
			hostname: url.hostname,
			port: url.port || (secure ? 443 : 80),
			path: `${url.pathname}${url.search}`,
			method: options.method ?? 'POST',
			agent,
			setHost: false,
			headers: headers.flat() as unknown as http.OutgoingHttpHeaders,
			rejectUnauthorized: false,
		} as https.RequestOptions);

		if (options.timeoutMs !== undefined) {
			timer = setTimeout(() => {
				request.destroy(
					new RawRequestError('ETIMEDOUT', `Timed out after ${options.timeoutMs} ms`),
				);
			}, options.timeoutMs);
		}

		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				finish(null, {
					status: response.statusCode ?? 0,
					headers: response.headers,
					body: Buffer.concat(chunks),
				}),
			);
			response.on('error', (error: NodeJS.ErrnoException) =>
				finish(new RawRequestError(error.code ?? 'ERESPONSE', error.message)),
			);
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			if (error instanceof RawRequestError) {
				finish(error);
			} else {
				finish(new RawRequestError(error.code ?? 'EREQUEST', error.message));
			}
		});
		request.end(body);
	});
}
