import http from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';

import { sign } from '../fixtures';
import { rawRequest, RawRequestError } from './httpPost';
import type {
	AccountRecord,
	CustomHeader,
	DeliveryAttempt,
	WebhookPayload,
	WebhookRouteConfig,
} from './types';

/** The `User-Agent` EmailEngine 2.79.2 sends, built from its package name, version and homepage. */
export const USER_AGENT = 'emailengine-app/2.79.2 (+https://emailengine.app/)';

/** How much of each answer body an attempt keeps. */
const ANSWER_KEPT_BYTES = 512;

/** Headers undici's fetch adds after the caller's own, as seen in every capture. */
const UNDICI_DEFAULTS: Array<[string, string]> = [
	['accept', '*/*'],
	['accept-language', '*'],
	['sec-fetch-mode', 'cors'],
	['accept-encoding', 'gzip, deflate'],
];

/** Knobs for the delivery queue. Real EmailEngine values in brackets. */
export interface WebhookTiming {
	/** First retry delay; retry k waits base × 2^(k-1). [5000 ms] Default 25 ms. */
	backoffMs: number;
	/** Up to this fraction is taken off each delay at random. [0.2] Default 0. */
	jitter: number;
	/** Attempts per job before it is dropped. [10] Default 10. */
	attempts: number;
	/** Per-attempt timeout. [30 000 ms] Default 2 000 ms. */
	timeoutMs: number;
	/** Jobs delivered at once (`EENGINE_NOTIFY_QC`). [1] Default 1. */
	concurrency: number;
}

/** What the worker reads from the rest of the fake, fresh on every attempt. */
export interface WebhookWorkerContext {
	setting(key: string): unknown;
	account(id: string): AccountRecord | undefined;
	routes(): WebhookRouteConfig[];
	timing: WebhookTiming;
}

/** Why a job finished without any HTTP request. */
export interface SkippedJob {
	jobId: string;
	event: string;
	account: string | null;
	routeId: string | null;
	reason:
		| 'accountMissing'
		| 'webhooksDisabled'
		| 'noTargetUrl'
		| 'eventNotSubscribed'
		| 'inboxOnly';
}

interface Job {
	id: string;
	created: number;
	payload: WebhookPayload;
	route: WebhookRouteConfig | null;
	attemptsMade: number;
	readyAt: number;
}

type Listener = () => void;

/** Encodes what `he.encode` would touch in URL userinfo before it goes into Basic auth. */
function htmlEncode(text: string): string {
	return text.replace(
		/[&<>"'`]|[^\x20-\x7e]/gu,
		(char) => `&#x${char.codePointAt(0)?.toString(16).toUpperCase()};`,
	);
}

function setHeader(headers: Array<[string, string]>, name: string, value: string): void {
	const lower = name.toLowerCase();
	const existing = headers.findIndex(([candidate]) => candidate === lower);
	if (existing >= 0) {
		headers[existing] = [lower, value];
	} else {
		headers.push([lower, value]);
	}
}

/**
 * EmailEngine's webhook worker: one queue, FIFO, `concurrency` jobs at a time, every attempt
 * re-reading the gates and the target URL, retries with exponential backoff, redirects fatal.
 */
export class WebhookWorker {
	readonly attempts: DeliveryAttempt[] = [];
	readonly skipped: SkippedJob[] = [];
	private readonly queue: Job[] = [];
	private active = 0;
	private nextJobId: number;
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;
	private readonly listeners = new Set<Listener>();
	private readonly httpAgent = new http.Agent({ keepAlive: true });
	private readonly httpsAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });

	constructor(
		private readonly context: WebhookWorkerContext,
		firstJobId = 1,
	) {
		this.nextJobId = firstJobId;
	}

	/**
	 * Queues one event: a job per matching custom route first, then the main-route job, all with
	 * the same event id. Returns the event id.
	 */
	enqueue(payload: WebhookPayload): string {
		const eventId = randomUUID();
		const withId: WebhookPayload = { ...payload, eventId };
		const now = Date.now();
		for (const route of this.context.routes()) {
			if (route.enabled === false || !route.targetUrl) continue;
			let matches = false;
			try {
				matches = !!route.filter(structuredClone(withId));
			} catch {
				matches = false;
			}
			if (matches) {
				this.queue.push(this.newJob(withId, route, now));
			}
		}
		this.queue.push(this.newJob(withId, null, now));
		this.pump();
		return eventId;
	}

	/** Jobs waiting, delayed or in flight. */
	get pending(): number {
		return this.queue.length + this.active;
	}

	/** Called whenever an attempt finishes or a job is skipped. */
	onChange(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.queue.length = 0;
		this.httpAgent.destroy();
		this.httpsAgent.destroy();
		this.listeners.clear();
	}

	private newJob(payload: WebhookPayload, route: WebhookRouteConfig | null, now: number): Job {
		return {
			id: String(this.nextJobId++),
			created: now,
			payload,
			route,
			attemptsMade: 0,
			readyAt: now,
		};
	}

	private notify(): void {
		for (const listener of [...this.listeners]) listener();
	}

	private pump(): void {
		if (this.stopped) return;
		if (this.timer) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		const now = Date.now();
		while (this.active < this.context.timing.concurrency) {
			const index = this.queue.findIndex((job) => job.readyAt <= now);
			if (index < 0) break;
			const [job] = this.queue.splice(index, 1);
			this.active++;
			void this.process(job).finally(() => {
				this.active--;
				this.pump();
			});
		}
		if (this.queue.length) {
			const next = Math.min(...this.queue.map((job) => job.readyAt));
			this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
		}
	}

	private skip(job: Job, reason: SkippedJob['reason']): void {
		this.skipped.push({
			jobId: job.id,
			event: job.payload.event,
			account: job.payload.account,
			routeId: job.route?.id ?? null,
			reason,
		});
		this.notify();
	}

	/** The gates of EmailEngine's worker, in its order; returns the target URL or a skip reason. */
	private resolveTarget(job: Job): { url: string } | { reason: SkippedJob['reason'] } {
		const { payload, route } = job;
		const account = payload.account ? this.context.account(payload.account) : undefined;
		if (!account && payload.event !== 'accountDeleted') {
			return { reason: 'accountMissing' };
		}
		if (!this.context.setting('webhooksEnabled')) {
			return { reason: 'webhooksDisabled' };
		}
		const url = route
			? route.targetUrl
			: ((account?.webhooks || (this.context.setting('webhooks') as string | undefined)) ?? '');
		if (!url) {
			return { reason: 'noTargetUrl' };
		}
		if (!route) {
			const events = (this.context.setting('webhookEvents') as string[] | undefined) ?? [];
			if (!events.includes('*') && !events.includes(payload.event)) {
				return { reason: 'eventNotSubscribed' };
			}
			if (payload.event === 'messageNew' && this.context.setting('inboxNewOnly')) {
				const data = (payload.data ?? {}) as { messageSpecialUse?: string; labels?: string[] };
				const inInbox =
					payload.path === 'INBOX' ||
					payload.specialUse === '\\Inbox' ||
					data.messageSpecialUse === '\\Inbox' ||
					!!data.labels?.includes('\\Inbox');
				if (!inInbox) return { reason: 'inboxOnly' };
			}
		}
		return { url };
	}

	private buildRequest(
		job: Job,
		target: URL,
	): { headers: Array<[string, string]>; body: Buffer; eventId: string | null } {
		let outgoing: Record<string, unknown>;
		if (job.route?.map) {
			const mapped = job.route.map(structuredClone(job.payload));
			outgoing = (mapped && typeof mapped === 'object' ? mapped : { value: mapped }) as Record<
				string,
				unknown
			>;
		} else {
			outgoing = { ...job.payload };
		}
		let eventId: string | null = null;
		if (typeof outgoing.eventId === 'string') {
			eventId = outgoing.eventId;
			delete outgoing.eventId;
		}
		const body = Buffer.from(JSON.stringify(outgoing));

		const headers: Array<[string, string]> = [
			['host', target.host],
			['connection', 'keep-alive'],
			['content-type', 'application/json'],
			['user-agent', USER_AGENT],
			['x-ee-wh-id', job.id],
			['x-ee-wh-attempts-made', String(job.attemptsMade)],
			['x-ee-wh-queued-time', `${Math.round((Date.now() - job.created) / 1000)}s`],
		];
		if (target.username || target.password) {
			const credentials = `${htmlEncode(target.username)}:${htmlEncode(target.password)}`;
			headers.push(['authorization', `Basic ${Buffer.from(credentials).toString('base64')}`]);
		}
		if (job.route) {
			headers.push(['x-ee-wh-custom-route', job.route.id]);
		}
		const custom: CustomHeader[] = [
			...((job.route
				? job.route.customHeaders
				: (this.context.setting('webhooksCustomHeaders') as CustomHeader[] | undefined)) ?? []),
			...((job.payload.account &&
				this.context.account(job.payload.account)?.webhooksCustomHeaders) ||
				[]),
		];
		for (const { key, value } of custom) {
			if (key) setHeader(headers, key, value);
		}
		if (eventId) {
			setHeader(headers, 'x-ee-wh-event-id', eventId);
		}
		const secret = String(this.context.setting('serviceSecret') ?? '');
		setHeader(headers, 'x-ee-wh-signature', sign(body, secret));
		for (const [name, value] of UNDICI_DEFAULTS) {
			if (!headers.some(([candidate]) => candidate === name)) headers.push([name, value]);
		}
		setHeader(headers, 'content-length', String(body.length));
		return { headers, body, eventId };
	}

	private async process(job: Job): Promise<void> {
		const resolved = this.resolveTarget(job);
		if ('reason' in resolved) {
			this.skip(job, resolved.reason);
			return;
		}
		const target = new URL(resolved.url);
		const { headers, body, eventId } = this.buildRequest(job, target);
		const clean = new URL(target.href);
		clean.username = '';
		clean.password = '';

		const startedAt = Date.now();
		let status: number | null = null;
		let answer: string | null = null;
		let error: string | null = null;
		try {
			const response = await rawRequest(clean.href, headers, body, {
				timeoutMs: this.context.timing.timeoutMs,
				agent: clean.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
			});
			status = response.status;
			answer = response.body.subarray(0, ANSWER_KEPT_BYTES).toString('utf8');
		} catch (caught) {
			error = caught instanceof RawRequestError ? caught.code : 'EREQUEST';
		}
		if (this.stopped) return;

		let outcome: DeliveryAttempt['outcome'];
		if (status !== null && status >= 200 && status < 300) {
			outcome = 'delivered';
		} else if (status !== null && status >= 300 && status < 400) {
			outcome = 'redirect';
		} else if (job.attemptsMade + 1 >= this.context.timing.attempts) {
			outcome = 'failed';
		} else {
			outcome = 'retry';
		}

		this.attempts.push({
			jobId: job.id,
			eventId,
			event: job.payload.event,
			account: job.payload.account,
			routeId: job.route?.id ?? null,
			url: clean.href,
			attemptsMade: job.attemptsMade,
			headers,
			body,
			status,
			answer,
			error,
			outcome,
			startedAt,
			finishedAt: Date.now(),
		});

		if (outcome === 'retry') {
			const { backoffMs, jitter } = this.context.timing;
			const delay = backoffMs * 2 ** job.attemptsMade * (1 - jitter * Math.random());
			job.attemptsMade++;
			job.readyAt = Date.now() + delay;
			this.queue.push(job);
		}
		this.notify();
	}
}
