import { randomBytes, randomUUID } from 'node:crypto';

import type { EngineCore, OutboxRecord, RouteDefinition } from './core';
import { accountNotFound, invalidInput } from './errors';
import type { SubmitWorker } from './submitWorker';
import type { OutboxEntry } from './types';
import { addressRule, rules, validate, type Rule } from './validation';

const addressList = rules.array(addressRule);
const looseObject = rules.object({}, { unknown: true });

/** The body fields `POST /v1/account/{account}/submit` accepts (EmailEngine 2.79.2, doc §5.1). */
const SUBMIT_SCHEMA: Record<string, Rule> = {
	from: addressRule,
	replyTo: addressList,
	to: addressList,
	cc: addressList,
	bcc: addressList,
	subject: rules.string({ max: 10 * 1024, allowEmpty: true }),
	text: rules.string({ max: 5 * 1024 * 1024, allowEmpty: true }),
	html: rules.string({ max: 5 * 1024 * 1024, allowEmpty: true }),
	previewText: rules.string({ max: 1024, allowEmpty: true }),
	template: rules.string({ max: 256 }),
	render: looseObject,
	mailMerge: rules.array(looseObject),
	listId: rules.string({ max: 256 }),
	attachments: rules.array(looseObject),
	raw: rules.string({ max: 50 * 1024 * 1024 }),
	envelope: rules.object({
		from: rules.string({ max: 256, allowEmpty: true }),
		to: rules.array(rules.string({ max: 256 })),
	}),
	reference: looseObject,
	messageId: rules.string({ max: 996 }),
	headers: looseObject,
	trackOpens: rules.boolean(),
	trackClicks: rules.boolean(),
	trackingEnabled: rules.boolean(),
	copy: rules.boolean(),
	sentMailPath: rules.string({ max: 1024 }),
	locale: rules.string({ max: 100 }),
	tz: rules.string({ max: 100 }),
	sendAt: rules.isoDate(),
	deliveryAttempts: rules.integer({ min: 0 }),
	gateway: rules.string({ max: 256 }),
	dsn: looseObject,
	baseUrl: rules.uri(),
	proxy: rules.string({ max: 1024 }),
	localAddress: rules.string({ max: 256 }),
	dryRun: rules.boolean(),
};

interface Address {
	name?: string;
	address: string;
}

/**
 * EmailEngine's queue id: hex of the 6-byte millisecond time plus 4 random bytes, first
 * character dropped, 19 hex characters.
 */
export function makeQueueId(at: Date): string {
	const time = Buffer.alloc(6);
	time.writeUIntBE(at.getTime(), 0, 6);
	return Buffer.concat([time, randomBytes(4)])
		.toString('hex')
		.slice(1);
}

/** A given Message-ID in angle brackets, or a new `<uuid@from-domain>`. */
export function makeMessageId(given: string | undefined, fromAddress: string): string {
	if (given) {
		const bare = given.trim().replace(/^<|>$/g, '');
		return `<${bare}>`;
	}
	const domain = fromAddress.split('@')[1] || 'localhost';
	return `<${randomUUID()}@${domain}>`;
}

/** `POST /v1/account/{account}/submit`, with idempotency and a queued, simulated delivery. */
export function submitRoutes(core: EngineCore, worker: SubmitWorker): RouteDefinition[] {
	const { state } = core;
	return [
		{
			method: 'POST',
			path: '/v1/account/{account}/submit',
			permission: { group: 'submit', action: 'send' },
			handler: ({ params, body, headers }) => {
				const values = validate(body, SUBMIT_SCHEMA) as Record<string, unknown> & {
					from?: Address;
					to?: Address[];
					cc?: Address[];
					bcc?: Address[];
					envelope?: { from?: string; to?: string[] };
				};
				const idempotencyKey = headers['idempotency-key'];
				if (typeof idempotencyKey === 'string' && idempotencyKey.length > 1024) {
					throw invalidInput([
						{
							message:
								'"idempotency-key" length must be less than or equal to 1024 characters long',
							key: 'idempotency-key',
						},
					]);
				}
				const account = state.accounts.get(params.account);
				if (!account) throw accountNotFound();

				const cacheKey =
					typeof idempotencyKey === 'string' && idempotencyKey
						? `${params.account}\n${idempotencyKey}`
						: undefined;
				const cached = cacheKey ? state.idempotency.get(cacheKey) : undefined;
				if (cached) {
					return { ...cached, idempotency: { key: idempotencyKey, status: 'HIT' } };
				}

				const from: Address = values.from ?? { name: account.name, address: account.email ?? '' };
				const recipients =
					values.envelope?.to ??
					[...(values.to ?? []), ...(values.cc ?? []), ...(values.bcc ?? [])].map(
						(entry) => entry.address,
					);
				if (!recipients.length && !values.raw) {
					throw invalidInput([{ message: '"to" is required', key: 'to' }]);
				}
				const messageId = makeMessageId(values.messageId as string | undefined, from.address);

				if (values.dryRun) {
					const preview = `From: ${from.address}\r\nTo: ${recipients.join(', ')}\r\nMessage-ID: ${messageId}\r\nSubject: ${String(values.subject ?? '')}\r\n\r\n${String(values.text ?? '')}\r\n`;
					return {
						response: 'Dry run',
						messageId,
						preview: Buffer.from(preview).toString('base64'),
					};
				}

				const now = new Date();
				const sendAt = values.sendAt ? new Date(values.sendAt as string) : now;
				const queueId = makeQueueId(sendAt);
				const attempts =
					(values.deliveryAttempts as number | undefined) ??
					(state.settings.deliveryAttempts as number | undefined) ??
					10;
				const entry: OutboxEntry = {
					queueId,
					account: params.account,
					source: 'api',
					messageId,
					envelope: { from: values.envelope?.from ?? from.address, to: recipients },
					...(values.subject !== undefined ? { subject: values.subject as string } : {}),
					...(cacheKey ? { idempotencyKey: idempotencyKey as string } : {}),
					created: now.toISOString(),
					scheduled: sendAt.toISOString(),
					nextAttempt: sendAt.toISOString(),
					attemptsMade: 0,
					attempts: Math.max(1, attempts),
					progress: { status: 'queued' },
				};
				const record: OutboxRecord = { entry, status: 'waiting' };
				state.outbox.set(queueId, record);
				worker.schedule(record);

				const response: Record<string, unknown> = {
					response: 'Queued for delivery',
					messageId,
					sendAt: sendAt.toISOString(),
					queueId,
				};
				if (cacheKey) {
					state.idempotency.set(cacheKey, { ...response });
					response.idempotency = { key: idempotencyKey, status: 'MISS' };
				}
				return response;
			},
		},
	];
}
