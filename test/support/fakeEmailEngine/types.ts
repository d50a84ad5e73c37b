/** Shapes shared by the parts of the fake EmailEngine. Field names are EmailEngine's own. */

export type JsonValue =
	| string
	| number
	| boolean
	| null
	| JsonValue[]
	| { [key: string]: JsonValue | undefined };

export type JsonObject = { [key: string]: JsonValue | undefined };

/** `{key, value}` pairs as EmailEngine stores `webhooksCustomHeaders` and route `customHeaders`. */
export interface CustomHeader {
	key: string;
	value: string;
}

/** What a token may do; mirrors the three token kinds EmailEngine has. */
export interface TokenConfig {
	/** The bearer value clients send. */
	token: string;
	/** Token scopes; `['*']` (the CLI default) or `['api']` reach the REST API. Default `['*']`. */
	scopes?: string[];
	/** Bind the token to one account: only routes with a matching `{account}` are allowed. */
	account?: string;
	/** Narrow the token: allowed actions/groups. Narrowed tokens never reach admin routes. */
	permissions?: { actions?: TokenAction[]; groups?: string[] };
}

export type TokenAction = 'read' | 'write' | 'send' | 'destructive';

/** An EmailEngine account as the fake stores it. */
export interface AccountRecord {
	account: string;
	name?: string;
	email?: string;
	/** Informational state shown by the API. */
	state: string;
	/** Per-account webhook URL; `''` falls back to the global one. */
	webhooks?: string;
	webhooksCustomHeaders?: CustomHeader[];
	imap?: JsonObject | false;
	smtp?: JsonObject | false;
	/** When true, SMTP AUTH is refused with 535 for every message this account sends. */
	smtpAuthFails?: boolean;
	copy?: boolean;
	logs?: boolean;
	notifyFrom?: string | null;
	syncFrom?: string | null;
	path?: string[];
	proxy?: string;
	smtpEhloName?: string;
	locale?: string;
	tz?: string;
	[key: string]: unknown;
}

/** A webhook route (filter/map route) as the admin UI would have created it. */
export interface WebhookRouteConfig {
	/** Route id, sent as `X-EE-Wh-Custom-Route`, e.g. `AAABoj0B8IAAAAAB`. */
	id: string;
	name?: string;
	description?: string;
	/** Where matching events go. */
	targetUrl: string;
	/** Disabled routes are listed but never delivered to. Default true. */
	enabled?: boolean;
	/** Headers added to this route's deliveries instead of the global custom headers. */
	customHeaders?: CustomHeader[];
	/** The route's filter function; the event is queued for this route when it returns truthy. */
	filter: (payload: WebhookPayload) => unknown;
	/** Optional mapping function; its return value becomes the whole body. */
	map?: (payload: WebhookPayload) => unknown;
	/** Source text shown as `content.fn` by the single-route GET. */
	fnSource?: string;
	/** Source text shown as `content.map` by the single-route GET. */
	mapSource?: string;
	created?: string;
	updated?: string;
}

/** The webhook envelope. Key order is the order EmailEngine builds it in. */
export interface WebhookPayload {
	serviceUrl: string | null;
	account: string | null;
	date: string;
	path?: string;
	specialUse?: string;
	event: string;
	data?: unknown;
	eventId?: string;
	[key: string]: unknown;
}

/** One attempt at delivering one webhook job. */
export interface DeliveryAttempt {
	/** `X-EE-Wh-Id` of the job. Same value across retries. */
	jobId: string;
	/** `X-EE-Wh-Event-Id`, or null for mapped routes whose body has no `eventId`. */
	eventId: string | null;
	event: string;
	account: string | null;
	/** Route id for custom-route jobs, null for the main route. */
	routeId: string | null;
	/** Target URL with credentials removed. */
	url: string;
	/** Value sent as `X-EE-Wh-Attempts-Made`. */
	attemptsMade: number;
	/** Exact headers sent, in order. */
	headers: Array<[string, string]>;
	/** Exact body bytes sent. */
	body: Buffer;
	/** HTTP status the receiver answered, or null when there was no answer. */
	status: number | null;
	/**
	 * The start of the answer's body. EmailEngine ignores it; tests use it to tell who answered
	 * (the trigger answers an accepted event with an empty body).
	 */
	answer: string | null;
	/** Error code when there was no usable answer (`ETIMEDOUT`, `ECONNREFUSED`, ...). */
	error: string | null;
	/**
	 * `delivered` (2xx), `retry` (will be tried again), `failed` (attempts used up),
	 * `redirect` (3xx, failed at once without retries).
	 */
	outcome: 'delivered' | 'retry' | 'failed' | 'redirect';
	startedAt: number;
	finishedAt: number;
}

/** One REST call the fake received. */
export interface LoggedRequest {
	method: string;
	/** Path without query string. */
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON body, or the raw text when it was not JSON, or undefined when empty. */
	body: unknown;
	/** Token presented (header or `access_token`), or null. */
	auth: { token: string; via: 'header' | 'query' } | null;
	/** Status the fake answered with, or null when it never answered (hang, reset, down). */
	status: number | null;
	time: number;
}

/** An outbox entry: a queued submission. */
export interface OutboxEntry {
	queueId: string;
	account: string;
	source: 'api';
	messageId: string;
	envelope: { from: string; to: string[] };
	subject?: string;
	idempotencyKey?: string;
	created: string;
	scheduled: string;
	nextAttempt: string | false;
	attemptsMade: number;
	attempts: number;
	progress: { status: string; response?: string; messageId?: string; originalMessageId?: string };
}
