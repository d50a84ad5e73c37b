import { randomBytes } from 'node:crypto';

import { accountRoutes } from './accounts';
import type { EngineCore, FakeState, SubmitTiming } from './core';
import { buildEnvelope, type EventInput } from './envelope';
import { FaultBook, type Fault, type FaultScope } from './faults';
import { healthRoutes } from './health';
import { Listener } from './listener';
import { outboxRoutes } from './outbox';
import { createRestHandler } from './restHandler';
import { settingsRoutes } from './settingsRoutes';
import { submitRoutes } from './submit';
import { SubmitWorker } from './submitWorker';
import type {
	AccountRecord,
	DeliveryAttempt,
	LoggedRequest,
	TokenConfig,
	WebhookPayload,
	WebhookRouteConfig,
} from './types';
import { webhookRouteRoutes } from './webhookRoutes';
import { WebhookWorker, type SkippedJob, type WebhookTiming } from './webhookWorker';

/** The root token every fake accepts unless `tokens` is given: `*` scope, not narrowed, unbound. */
export const FAKE_ROOT_TOKEN = 'a'.repeat(64);

/** How to start a fake EmailEngine. Everything is optional. */
export interface FakeEmailEngineOptions {
	/** Accepted tokens. Default: only {@link FAKE_ROOT_TOKEN} as a root (`*`) token. */
	tokens?: TokenConfig[];
	/**
	 * Initial global settings as stored (unmasked). `serviceSecret` defaults to a random
	 * 32-hex-character value, like a fresh EmailEngine; webhooks are off by default, as there.
	 */
	settings?: Record<string, unknown>;
	/** Accounts that exist from the start; `state` defaults to `initialAccountState`. */
	accounts?: Array<Partial<AccountRecord> & { account: string }>;
	/** Webhook routes (admin-UI filter/map routes); listed read-only by `GET /v1/webhookRoutes`. */
	webhookRoutes?: WebhookRouteConfig[];
	/** Webhook queue timing; defaults are shortened for tests (see {@link WebhookTiming}). */
	webhook?: Partial<WebhookTiming>;
	/** Simulated SMTP timing (see {@link SubmitTiming}). */
	submit?: Partial<SubmitTiming>;
	/** `X-EE-Wh-Id` of the first webhook job. Default 1. */
	firstWebhookJobId?: number;
	/** State new accounts get from `POST /v1/account`. Default `connected`. */
	initialAccountState?: string;
	/** Also mask user names in URLs (`http://******:******@host`). Default false. */
	maskUsernames?: boolean;
}

/** Options for waiting on deliveries. */
export interface WaitOptions {
	/** Give up after this many milliseconds. Default 5000. */
	timeoutMs?: number;
}

/** A running fake EmailEngine. */
export interface FakeEmailEngine {
	/** Base URL, e.g. `http://127.0.0.1:43123` (no trailing slash). */
	readonly url: string;
	readonly port: number;
	/** Everything it stores; read or change it directly. */
	readonly state: FakeState;
	/** Every REST call received, in arrival order. */
	readonly requests: LoggedRequest[];
	/** Every webhook delivery attempt, in order. */
	readonly deliveries: DeliveryAttempt[];
	/** Webhook jobs that finished without a request because a gate stopped them. */
	readonly skipped: SkippedJob[];
	/** Emits an event as EmailEngine would (envelope, gates, routes, signature, retries). */
	emit(
		event: string,
		account: string | null,
		data?: unknown,
		extra?: Pick<EventInput, 'path' | 'specialUse' | 'date'>,
	): WebhookPayload;
	/** Queues an already built envelope (e.g. a capture's parsed body) for delivery. */
	emitPayload(payload: WebhookPayload): WebhookPayload;
	/** Injects a fault; returns a function that removes it. `down` applies immediately. */
	setFault(fault: Fault, scope?: FaultScope): () => void;
	/** Removes every fault and comes back up if a `down` fault took the listener away. */
	clearFaults(): Promise<void>;
	/** Closes the listener: clients get ECONNREFUSED until `up()`. */
	down(): Promise<void>;
	/** Listens again on the same port. */
	up(): Promise<void>;
	/**
	 * Runs `hook` once, right after the `count`-th REST request from now has been answered and
	 * before the next one is handled (to change state between two calls).
	 */
	afterRequests(count: number, hook: (fake: FakeEmailEngine) => unknown): void;
	/** Resolves with the matching attempts once there are `count` of them (default 1). */
	waitForDeliveries(
		match?: (attempt: DeliveryAttempt) => boolean,
		count?: number,
		options?: WaitOptions,
	): Promise<DeliveryAttempt[]>;
	/** Resolves when no webhook job and no submission is pending. */
	idle(options?: WaitOptions): Promise<void>;
	/** Stops everything: listener, timers, in-flight deliveries. */
	stop(): Promise<void>;
}

const WEBHOOK_DEFAULTS: WebhookTiming = {
	backoffMs: 25,
	jitter: 0,
	attempts: 10,
	timeoutMs: 2000,
	concurrency: 1,
};

const SUBMIT_DEFAULTS: SubmitTiming = { latencyMs: 0, backoffMs: 25 };

/** Starts a fake EmailEngine 2.79.2 on 127.0.0.1 with a free port. */
export async function startFakeEmailEngine(
	options: FakeEmailEngineOptions = {},
): Promise<FakeEmailEngine> {
	const initialAccountState = options.initialAccountState ?? 'connected';
	const state: FakeState = {
		settings: { serviceSecret: randomBytes(16).toString('hex'), ...options.settings },
		accounts: new Map(
			(options.accounts ?? []).map((account) => [
				account.account,
				{ state: initialAccountState, ...account } as AccountRecord,
			]),
		),
		outbox: new Map(),
		webhookRoutes: [...(options.webhookRoutes ?? [])],
		tokens: options.tokens ?? [{ token: FAKE_ROOT_TOKEN, scopes: ['*'] }],
		idempotency: new Map(),
		events: [],
	};
	const webhookTiming: WebhookTiming = { ...WEBHOOK_DEFAULTS, ...options.webhook };

	const worker = new WebhookWorker(
		{
			setting: (key) => state.settings[key],
			account: (id) => state.accounts.get(id),
			routes: () => state.webhookRoutes,
			timing: webhookTiming,
		},
		options.firstWebhookJobId ?? 1,
	);

	const core: EngineCore = {
		state,
		submitTiming: { ...SUBMIT_DEFAULTS, ...options.submit },
		maskUsernames: options.maskUsernames ?? false,
		emit(input) {
			const payload = buildEnvelope(
				(state.settings.serviceUrl as string | undefined) ?? null,
				input,
			);
			state.events.push(payload);
			worker.enqueue(payload);
			return payload;
		},
	};
	const submitWorker = new SubmitWorker(core);

	const requests: LoggedRequest[] = [];
	const faults = new FaultBook();
	const hooks: Array<{ remaining: number; hook: (fake: FakeEmailEngine) => unknown }> = [];
	// the hooks receive the finished fake, which only exists after the handler is built
	const self: { fake?: FakeEmailEngine } = {};

	const handler = createRestHandler({
		routes: [
			...healthRoutes(),
			...settingsRoutes(core),
			...accountRoutes(core, initialAccountState),
			...submitRoutes(core, submitWorker),
			...outboxRoutes(core, submitWorker),
			...webhookRouteRoutes(core),
		],
		tokens: () => state.tokens,
		faults,
		log: requests,
		afterRequest() {
			const due = hooks.filter((entry) => --entry.remaining === 0);
			if (!due.length || !self.fake) return;
			for (const entry of due) hooks.splice(hooks.indexOf(entry), 1);
			const current = self.fake;
			return due.reduce<Promise<void>>(
				(chain, entry) => chain.then(async () => void (await entry.hook(current))),
				Promise.resolve(),
			);
		},
	});
	const listener = new Listener((request, response) => void handler(request, response));
	const port = await listener.listen();

	const pendingSubmissions = (): boolean =>
		[...state.outbox.values()].some((record) =>
			['delayed', 'waiting', 'active'].includes(record.status),
		);

	const fake: FakeEmailEngine = {
		url: `http://127.0.0.1:${port}`,
		port,
		state,
		requests,
		deliveries: worker.attempts,
		skipped: worker.skipped,
		emit(event, account, data, extra = {}) {
			return core.emit({ event, account, data, ...extra });
		},
		emitPayload(payload) {
			const copy = structuredClone(payload);
			delete copy.eventId;
			state.events.push(copy);
			worker.enqueue(copy);
			return copy;
		},
		setFault(fault, scope) {
			if (fault.kind === 'down') {
				void listener.close();
				return () => void listener.reopen();
			}
			return faults.add(fault, scope);
		},
		async clearFaults() {
			faults.clear();
			if (!listener.isUp) await listener.reopen();
		},
		down: () => listener.close(),
		up: () => listener.reopen(),
		afterRequests(count, hook) {
			hooks.push({ remaining: count, hook });
		},
		waitForDeliveries(match = () => true, count = 1, { timeoutMs = 5000 } = {}) {
			return new Promise((resolve, reject) => {
				const check = (): boolean => {
					const found = worker.attempts.filter(match);
					if (found.length < count) return false;
					clearTimeout(timer);
					unsubscribe();
					resolve(found);
					return true;
				};
				const timer = setTimeout(() => {
					unsubscribe();
					const seen = worker.attempts.map(
						(attempt) => `${attempt.event}#${attempt.jobId}:${attempt.status ?? attempt.error}`,
					);
					const skipped = worker.skipped.map((job) => `${job.event}#${job.jobId}:${job.reason}`);
					reject(
						new Error(
							`Expected ${count} matching deliveries within ${timeoutMs} ms; attempts: [${seen.join(', ')}], skipped: [${skipped.join(', ')}]`,
						),
					);
				}, timeoutMs);
				const unsubscribe = worker.onChange(check);
				check();
			});
		},
		async idle({ timeoutMs = 5000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			while (worker.pending > 0 || pendingSubmissions()) {
				if (Date.now() > deadline) {
					throw new Error(`Fake EmailEngine still busy after ${timeoutMs} ms`);
				}
				await new Promise((resolve) => setTimeout(resolve, 5));
			}
		},
		async stop() {
			submitWorker.stop();
			worker.stop();
			await listener.close();
		},
	};
	self.fake = fake;
	return fake;
}
