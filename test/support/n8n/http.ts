/** A response read completely, with the JSON body parsed when there is one. */
export interface HttpResult<T = unknown> {
	status: number;
	headers: Headers;
	text: string;
	body: T;
}

export interface HttpRequest {
	method?: string;
	headers?: Record<string, string>;
	/** Sent as JSON unless it is already a string. */
	body?: unknown;
	timeoutMs?: number;
}

export async function http<T = unknown>(
	url: string,
	request: HttpRequest = {},
): Promise<HttpResult<T>> {
	const headers: Record<string, string> = { ...request.headers };
	let body: string | undefined;
	if (request.body !== undefined) {
		body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
		headers['content-type'] ??= 'application/json';
	}
	const response = await fetch(url, {
		method: request.method ?? (body === undefined ? 'GET' : 'POST'),
		headers,
		body,
		signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
	});
	const text = await response.text();
	let parsed: unknown = text;
	if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) {
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
	}
	return { status: response.status, headers: response.headers, text, body: parsed as T };
}

/** Throws with method, URL, status and body, so a failing test says what n8n answered. */
export function expectOk<T>(result: HttpResult<T>, what: string): T {
	if (result.status < 200 || result.status > 299) {
		throw new Error(`${what} answered ${result.status}: ${result.text.slice(0, 2000)}`);
	}
	return result.body;
}
