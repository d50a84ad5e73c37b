import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type JsonObject,
} from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'emailEngineApi';

// Long enough for a busy EmailEngine, short enough that a hung one fails publishing with a
// message instead of leaving n8n waiting.
export const REQUEST_TIMEOUT_MS = 30_000;

type EmailEngineContext = IHookFunctions | IExecuteFunctions | ILoadOptionsFunctions;

export interface EmailEngineRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, starting with /v1. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	headers?: IDataObject;
	/** Names the thing the request is about in error messages, e.g. `account "bob"`. */
	subject?: string;
	itemIndex?: number;
}

/**
 * The one way this package talks to EmailEngine: authenticated with the credential's access
 * token, and with every failure turned into an error that says what to check.
 */
export async function emailEngineApiRequest(
	this: EmailEngineContext,
	request: EmailEngineRequest,
): Promise<IDataObject> {
	const credentials = await this.getCredentials<{ baseUrl: string }>(CREDENTIAL_TYPE);
	const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');

	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		json: true,
		qs: request.qs,
		body: request.body,
		headers: request.headers,
		timeout: REQUEST_TIMEOUT_MS,
	};

	try {
		return (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
		)) as IDataObject;
	} catch (error) {
		throw toEmailEngineError(this, error, { ...request, baseUrl });
	}
}

interface FailureContext extends EmailEngineRequest {
	baseUrl: string;
}

const UNREACHABLE_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ECONNRESET',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EPIPE',
]);

/** Maps a failed request to a `NodeApiError` whose message names the cause and the fix. */
export function toEmailEngineError(
	context: EmailEngineContext,
	error: unknown,
	failure: FailureContext,
): NodeApiError {
	const status = httpStatusOf(error);
	const code = errorCodeOf(error);
	const remote = remoteMessageOf(error);
	const route = `${failure.method} ${failure.path.split('?')[0]}`;

	let message: string;
	let description: string;

	if (status === undefined && (code === undefined || UNREACHABLE_CODES.has(code))) {
		message = `EmailEngine is not reachable at ${failure.baseUrl}${code ? ` (${code})` : ''}`;
		description =
			'Check the Base URL in the EmailEngine credential, that EmailEngine is running, and that n8n can reach it over the network.';
	} else if (status === 401) {
		message = 'EmailEngine rejected the access token (401)';
		description = 'Check the Access Token in the EmailEngine credential; it may have been revoked.';
	} else if (status === 403) {
		message = `The access token may not call ${route} (403${remote ? `: ${remote}` : ''})`;
		description = needsAdminToken(failure)
			? 'Changing EmailEngine settings and account webhooks needs a token issued with the "*" scope, without an account binding or narrowed permissions. Issue one with "emailengine tokens issue -s \'*\'" and put it in the credential.'
			: 'The token\'s scopes, account binding or permissions in EmailEngine do not allow this call. Check them on EmailEngine\'s Access Tokens page, or use a token issued with the "*" scope.';
	} else if (status === 404 && failure.subject) {
		message = `EmailEngine has no ${failure.subject} (404)`;
		description = `Check the ${failure.subject} exists in EmailEngine.`;
	} else if (status === 404) {
		message = `EmailEngine does not know ${route} (404)`;
		description =
			'Check that the Base URL points at EmailEngine itself, without /v1, and that EmailEngine is version 2.x.';
	} else {
		message = `EmailEngine answered ${route} with ${status ?? code}${remote ? `: ${remote}` : ''}`;
		description = 'EmailEngine reported an error; its own message is shown above.';
	}

	// NodeApiError rewrites messages for well-known codes and takes the description from the
	// response body; the EmailEngine body is kept for the UI, the wording stays ours.
	const apiError = new NodeApiError(context.getNode(), errorBodyOf(error), {
		message,
		description,
		httpCode: status === undefined ? undefined : String(status),
		itemIndex: failure.itemIndex,
	});
	apiError.message = message;
	apiError.description = description;
	return apiError;
}

/** Routes in EmailEngine's admin permission group, which a narrowed token can never call. */
function needsAdminToken(request: EmailEngineRequest): boolean {
	const path = request.path.split('?')[0];
	if (path.startsWith('/v1/settings')) return true;
	return (
		/^\/v1\/account(\/[^/]+)?$/.test(path) &&
		(request.method === 'PUT' || request.method === 'POST')
	);
}

function httpStatusOf(error: unknown): number | undefined {
	const e = error as {
		httpCode?: string;
		response?: { status?: number };
		statusCode?: number;
		cause?: { response?: { status?: number }; status?: number };
	};
	const candidates = [
		e?.response?.status,
		e?.cause?.response?.status,
		e?.statusCode,
		e?.cause?.status,
		e?.httpCode !== undefined ? Number(e.httpCode) : undefined,
	];
	return candidates.find((value): value is number => typeof value === 'number' && value > 0);
}

function errorCodeOf(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown } };
	const code = e?.cause?.code ?? e?.code;
	return typeof code === 'string' ? code : undefined;
}

function remoteMessageOf(error: unknown): string | undefined {
	const body = errorBodyOf(error);
	const message = body.message ?? body.error;
	if (typeof message !== 'string' || message === '') return undefined;

	// A validation failure says only "Invalid input"; what was wrong is in `fields`.
	const fields = Array.isArray(body.fields) ? (body.fields as Array<{ message?: unknown }>) : [];
	const details = fields
		.map((field) => field?.message)
		.filter((text): text is string => typeof text === 'string')
		.slice(0, 3);
	return details.length > 0 ? `${message} (${details.join('; ')})` : message;
}

function errorBodyOf(error: unknown): JsonObject {
	const e = error as {
		response?: { data?: unknown; body?: unknown };
		cause?: { response?: { data?: unknown } };
		message?: string;
	};
	const data = e?.response?.data ?? e?.cause?.response?.data ?? e?.response?.body;
	if (data && typeof data === 'object' && !Array.isArray(data)) return data as JsonObject;
	return { message: e?.message ?? String(error) };
}
