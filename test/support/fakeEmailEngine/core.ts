import type { IncomingHttpHeaders } from 'node:http';

import type { RoutePermission } from './auth';
import type { EventInput } from './envelope';
import type {
	AccountRecord,
	OutboxEntry,
	TokenConfig,
	WebhookPayload,
	WebhookRouteConfig,
} from './types';

/** Where a queued submission is in its life. Mirrors the BullMQ states the outbox lists. */
export type OutboxStatus = 'delayed' | 'waiting' | 'active' | 'failed' | 'completed';

/** A queued submission with the fake's own bookkeeping. */
export interface OutboxRecord {
	entry: OutboxEntry;
	status: OutboxStatus;
	timer?: NodeJS.Timeout;
}

/** Everything the fake remembers. Tests may read and change it directly between calls. */
export interface FakeState {
	/** Global settings, keyed as `POST /v1/settings` names them (unmasked, as stored). */
	settings: Record<string, unknown>;
	accounts: Map<string, AccountRecord>;
	/** Submissions by `queueId`, including finished ones (the API hides those). */
	outbox: Map<string, OutboxRecord>;
	/** Webhook routes; read-only over REST, as in EmailEngine. */
	webhookRoutes: WebhookRouteConfig[];
	tokens: TokenConfig[];
	/** Cached submit responses by `account` + `Idempotency-Key`. */
	idempotency: Map<string, Record<string, unknown>>;
	/** Every event the fake emitted, before any gate. */
	events: WebhookPayload[];
}

/** Timing knobs for simulated SMTP delivery. */
export interface SubmitTiming {
	/** Delay before the first SMTP attempt. Default 0 ms. */
	latencyMs: number;
	/** Retry k waits base × 2^(k-1). [5000 ms] Default 25 ms. */
	backoffMs: number;
}

/** What route handlers get. */
export interface RouteContext {
	method: string;
	path: string;
	params: Record<string, string>;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	body: unknown;
	token: TokenConfig | null;
}

/** One REST route. `permission: null` means no authentication (like `/health`). */
export interface RouteDefinition {
	method: string;
	path: string;
	permission: RoutePermission | null;
	handler(context: RouteContext): unknown;
}

/** The shared core the route modules work on. */
export interface EngineCore {
	readonly state: FakeState;
	readonly submitTiming: SubmitTiming;
	readonly maskUsernames: boolean;
	/** Emits an event: records it and queues it for webhook delivery. */
	emit(input: EventInput): WebhookPayload;
}
