import type { EngineCore, OutboxRecord } from './core';
import { simulateSmtp } from './smtpSimulation';

/**
 * Runs one queued submission through simulated SMTP, emitting what EmailEngine's submit worker
 * emits: messageSent; or messageDeliveryError per failed attempt and messageFailed after the last.
 */
export class SubmitWorker {
	private stopped = false;

	constructor(private readonly core: EngineCore) {}

	/** Schedules the first attempt at `scheduled` (plus the configured latency). */
	schedule(record: OutboxRecord): void {
		const at = new Date(record.entry.scheduled).getTime();
		const wait = Math.max(0, at - Date.now()) + this.core.submitTiming.latencyMs;
		record.status = wait > 0 ? 'delayed' : 'waiting';
		this.arm(record, wait);
	}

	/** Cancels a queued submission; false when it is being sent right now or already gone. */
	cancel(record: OutboxRecord): boolean {
		if (record.status === 'active' || record.status === 'completed') return false;
		if (record.timer) clearTimeout(record.timer);
		return true;
	}

	stop(): void {
		this.stopped = true;
		for (const record of this.core.state.outbox.values()) {
			if (record.timer) clearTimeout(record.timer);
		}
	}

	private arm(record: OutboxRecord, wait: number): void {
		record.timer = setTimeout(() => this.attempt(record), wait);
	}

	private attempt(record: OutboxRecord): void {
		if (this.stopped || !this.core.state.outbox.has(record.entry.queueId)) return;
		record.status = 'active';
		const { entry } = record;
		entry.progress = { status: 'processing' };
		const account = this.core.state.accounts.get(entry.account);
		if (!account) {
			record.status = 'failed';
			return;
		}
		const outcome = simulateSmtp(account, entry.envelope.to);

		if (outcome.accepted) {
			const data: Record<string, unknown> = {
				messageId: outcome.rewrittenMessageId ?? entry.messageId,
			};
			if (outcome.rewrittenMessageId) data.originalMessageId = entry.messageId;
			data.response = outcome.response;
			data.queueId = entry.queueId;
			data.envelope = structuredClone(entry.envelope);
			data.networkRouting = null;
			entry.progress = {
				status: 'submitted',
				response: outcome.response,
				messageId: data.messageId as string,
				...(outcome.rewrittenMessageId ? { originalMessageId: entry.messageId } : {}),
			};
			record.status = 'completed';
			this.core.emit({ event: 'messageSent', account: entry.account, data });
			return;
		}

		const last = outcome.permanent || entry.attemptsMade + 1 >= entry.attempts;
		const delay = this.core.submitTiming.backoffMs * 2 ** entry.attemptsMade;
		// EmailEngine computes nextAttempt before it classifies the error, so a permanent failure
		// still shows a date unless the attempts were used up anyway.
		const nextAttempt =
			entry.attemptsMade + 1 >= entry.attempts ? false : new Date(Date.now() + delay).toISOString();
		this.core.emit({
			event: 'messageDeliveryError',
			account: entry.account,
			data: {
				queueId: entry.queueId,
				envelope: structuredClone(entry.envelope),
				messageId: entry.messageId,
				error: outcome.error,
				errorCode: outcome.errorCode,
				smtpResponse: outcome.smtpResponse,
				smtpResponseCode: outcome.smtpResponseCode,
				smtpCommand: outcome.smtpCommand,
				networkRouting: null,
				job: {
					id: entry.queueId,
					attemptsMade: entry.attemptsMade,
					attempts: entry.attempts,
					nextAttempt,
				},
			},
		});
		entry.progress = { status: 'error' };

		if (last) {
			entry.attemptsMade++;
			entry.nextAttempt = false;
			record.status = 'failed';
			this.core.emit({
				event: 'messageFailed',
				account: entry.account,
				data: {
					messageId: entry.messageId,
					queueId: entry.queueId,
					error: `Error: ${outcome.error}`,
					networkRouting: null,
				},
			});
			return;
		}

		entry.attemptsMade++;
		entry.nextAttempt = nextAttempt;
		record.status = 'delayed';
		this.arm(record, delay);
	}
}
