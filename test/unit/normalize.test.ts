import { EMAILENGINE_EVENTS } from '../../nodes/shared/events';
import {
	deliveryMetaFromHeaders,
	normalizeEvent,
	parsePayload,
	type NormalizedEvent,
} from '../../nodes/shared/normalize';
import { fixture, fixtureJson, loadFixtures, type Capture } from '../support/fixtures';

function normalizeCapture(capture: Capture): NormalizedEvent {
	const parsed = parsePayload(fixtureJson(capture));
	if (!parsed.ok) throw new Error(`${capture.name}: ${parsed.message}`);
	return normalizeEvent(parsed.payload, deliveryMetaFromHeaders(capture.headers));
}

const enveloped = loadFixtures().filter((capture) => capture.variant !== 'route-mapped');

describe('parsePayload', () => {
	it('accepts every captured EmailEngine payload', () => {
		for (const capture of enveloped) {
			expect({ name: capture.name, result: parsePayload(fixtureJson(capture)).ok }).toEqual({
				name: capture.name,
				result: true,
			});
		}
	});

	it('lets an event type it does not know through, so that "all events" can pass it on', () => {
		const result = parsePayload({
			account: 'bob',
			date: '2026-12-03T17:45:10.317Z',
			event: 'messageQuarantined',
			data: { whatever: 1 },
		});
		expect(result.ok).toBe(true);
	});

	it.each(['valueOf', 'constructor', '__proto__'])(
		'treats an event called %s as an unknown event, not as a method of every object',
		(event) => {
			const result = parsePayload({ account: 'bob', date: '2026-12-03T17:45:10.317Z', event });
			if (!result.ok) throw new Error(result.message);
			expect(normalizeEvent(result.payload)).toMatchObject({
				event,
				account: 'bob',
				queueId: null,
				recipients: [],
				deliveryState: null,
			});
		},
	);

	it.each([
		[null, 'Expected a JSON object, got null'],
		[[1, 2], 'Expected a JSON object, got an array'],
		['messageSent', 'Expected a JSON object, got a string'],
		[{ kind: 'accountAdded' }, 'Not an EmailEngine webhook payload: the field "event" is missing'],
		[{ event: 'messageSent', date: '2026-01-01T00:00:00Z' }, 'account is missing'],
		[{ event: 'messageSent', account: 'bob', date: 5 }, 'date must be a string, not a number'],
	])('explains why %j is not a payload', (value, message) => {
		expect(parsePayload(value)).toEqual({ ok: false, message });
	});

	it('names the missing or mistyped field of a known event', () => {
		const sent = fixtureJson<{ data: Record<string, unknown> }>(fixture('messageSent-account-1'));
		delete sent.data.queueId;
		expect(parsePayload(sent)).toEqual({
			ok: false,
			message: 'messageSent: data.queueId is missing',
		});

		const error = fixtureJson<{ data: Record<string, unknown> }>(
			fixture('messageDeliveryError-account-1'),
		);
		error.data.smtpResponseCode = '451';
		expect(parsePayload(error)).toEqual({
			ok: false,
			message: 'messageDeliveryError: data.smtpResponseCode must be a number, not a string',
		});

		expect(
			parsePayload({ event: 'messageBounce', account: 'bob', date: '2026-01-01T00:00:00Z' }),
		).toEqual({ ok: false, message: 'data is missing for event messageBounce' });
	});
});

describe('normalizeEvent', () => {
	it('gives every event the same set of fields', () => {
		const keys = new Set(Object.keys(normalizeCapture(enveloped[0])));
		for (const capture of enveloped) {
			expect({ name: capture.name, keys: Object.keys(normalizeCapture(capture)).sort() }).toEqual({
				name: capture.name,
				keys: [...keys].sort(),
			});
		}
	});

	it('takes the event id and the delivery attempt from the headers', () => {
		const capture = fixture('accountAdded-account-after500-1');
		const item = normalizeCapture(capture);
		expect(item.eventId).toBe(capture.headers['x-ee-wh-event-id']);
		expect(item.deliveryAttempt).toBe(Number(capture.headers['x-ee-wh-attempts-made']) + 1);
		expect(item.deliveryAttempt).toBeGreaterThan(1);
	});

	it('describes an accepted message', () => {
		expect(normalizeCapture(fixture('messageSent-account-1'))).toMatchObject({
			event: 'messageSent',
			account: 'bob',
			occurredAt: '2026-12-03T17:45:10.317Z',
			deliveryAttempt: 1,
			queueId: '1a23d0297b7423471bb',
			messageId: '<e0735413-4905-4203-44d2-c055cf47e036@example.com>',
			originalMessageId: null,
			envelopeFrom: 'bob@example.com',
			recipients: ['okrcpt@example.net'],
			deliveryState: 'sent',
			smtpResponse: '250 OK: queued as AC78E50FADEA',
			smtpResponseCode: 250,
		});
	});

	it('keeps the id EmailEngine generated when a relay rewrote the Message-ID', () => {
		expect(normalizeCapture(fixture('messageSent-global-2'))).toMatchObject({
			messageId: '<6A2E31F0-D6D2-43D3-9354-0C62AA0AE443@dm6pr11mb1234.namprd11.prod.outlook.com>',
			originalMessageId: '<d465df19-5a7c-4db7-2b4e-b7dc97a53ac6@example.com>',
			smtpResponseCode: 250,
		});
	});

	it.each([-5e-324, 451.5, 42, 1e9])(
		'reads the reply code from the SMTP response when smtpResponseCode is %p, which is none',
		(code) => {
			const payload = fixtureJson(fixture('messageDeliveryError-account-1')) as {
				data: Record<string, unknown>;
			};
			payload.data.smtpResponseCode = code;
			const parsed = parsePayload(payload);
			if (!parsed.ok) throw new Error(parsed.message);

			expect(normalizeEvent(parsed.payload, deliveryMetaFromHeaders({})).smtpResponseCode).toBe(
				451,
			);
		},
	);

	it('describes a deferral that EmailEngine will retry', () => {
		expect(normalizeCapture(fixture('messageDeliveryError-account-1'))).toMatchObject({
			deliveryState: 'deferred',
			smtpResponseCode: 451,
			smtpCommand: 'RCPT TO',
			errorCode: 'EENVELOPE',
			retry: {
				attempt: 1,
				maxAttempts: 2,
				nextAttemptAt: '2026-12-03T17:45:15.387Z',
				willRetry: true,
			},
		});
	});

	it('marks the last failed attempt as final', () => {
		expect(normalizeCapture(fixture('messageDeliveryError-account-3'))).toMatchObject({
			deliveryState: 'failed',
			retry: { attempt: 2, maxAttempts: 2, nextAttemptAt: null, willRetry: false },
		});
	});

	it('does not promise a retry after a permanent 5xx, although EmailEngine reports a next attempt', () => {
		const raw = fixtureJson<{ data: { job: { nextAttempt: unknown } } }>(
			fixture('messageDeliveryError-account-2'),
		);
		expect(raw.data.job.nextAttempt).toEqual(expect.any(String));
		expect(normalizeCapture(fixture('messageDeliveryError-account-2'))).toMatchObject({
			deliveryState: 'failed',
			smtpResponseCode: 550,
			retry: { willRetry: false, nextAttemptAt: null },
		});
	});

	it('describes a failed message with the SMTP code found in its error', () => {
		expect(normalizeCapture(fixture('messageFailed-account-1'))).toMatchObject({
			deliveryState: 'failed',
			queueId: '1a23d029acc9fa02472',
			smtpResponseCode: 550,
			error: expect.stringContaining('User unknown'),
		});
	});

	it("never puts a bounce's remote queue id in queueId", () => {
		const item = normalizeCapture(fixture('messageBounce-account-1'));
		expect(item.queueId).toBeNull();
		expect(item).toMatchObject({
			deliveryState: 'bounced',
			messageId: '<e0735413-4905-4203-44d2-c055cf47e036@example.com>',
			recipients: ['okrcpt@example.net'],
			smtpResponseCode: 550,
			bounce: {
				recipient: 'okrcpt@example.net',
				action: 'failed',
				status: '5.1.1',
				category: 'user_unknown',
				recommendedAction: 'remove',
				mta: 'mx.example.net',
				remoteQueueId: '4F2A1C0123',
				bounceMessage: 'AAAAAQAAAAI',
			},
		});
	});

	it('describes a complaint with the complaining recipient', () => {
		expect(normalizeCapture(fixture('messageComplaint-account-1'))).toMatchObject({
			deliveryState: 'complained',
			messageId: '<e0735413-4905-4203-44d2-c055cf47e036@example.com>',
			recipients: ['okrcpt@example.net'],
			complaint: {
				feedbackType: 'abuse',
				recipients: ['okrcpt@example.net'],
				userAgent: 'SomeGenerator/1.0',
			},
		});
	});

	it('describes opens and clicks as engagement, not as a delivery state', () => {
		expect(normalizeCapture(fixture('trackOpen-account-1'))).toMatchObject({
			deliveryState: null,
			engagement: 'opened',
			messageId: '<e0735413-4905-4203-44d2-c055cf47e036@example.com>',
			tracking: { url: null, remoteAddress: '127.0.0.1' },
		});
		expect(normalizeCapture(fixture('trackClick-account-1'))).toMatchObject({
			engagement: 'clicked',
			tracking: { url: 'http://127.0.0.1:8080/landing?x=1' },
		});
	});

	it('keeps mailbox events with their folder', () => {
		expect(normalizeCapture(fixture('mailboxNew-account-1'))).toMatchObject({
			event: 'mailboxNew',
			path: 'INBOX',
			specialUse: '\\Inbox',
			data: { name: 'INBOX', uidValidity: '1796319869' },
		});
	});

	it('keeps the raw payload only when asked', () => {
		const capture = fixture('messageNew-account-1');
		const parsed = parsePayload(fixtureJson(capture));
		if (!parsed.ok) throw new Error(parsed.message);
		expect(normalizeEvent(parsed.payload).raw).toBeUndefined();
		expect(normalizeEvent(parsed.payload, undefined, { includeRaw: true }).raw).toEqual(
			fixtureJson(capture),
		);
	});

	it('has a normalizer or a plain pass-through for each of the 24 event types', () => {
		expect(EMAILENGINE_EVENTS).toHaveLength(24);
		for (const { name } of EMAILENGINE_EVENTS) {
			const parsed = parsePayload({ account: 'a', date: 'd', event: name, data: sampleData(name) });
			expect({ name, ok: parsed.ok }).toEqual({ name, ok: true });
		}
	});
});

function sampleData(event: string): Record<string, unknown> {
	const samples: Record<string, Record<string, unknown>> = {
		messageMissing: { id: 'AAAA' },
		mailboxDeleted: { path: 'Old' },
		accountDeleted: { account: 'a' },
		listUnsubscribe: { recipient: 'r@example.net', listId: 'news', messageId: '<m@x>' },
		listSubscribe: { recipient: 'r@example.net', listId: 'news' },
		exportCompleted: { exportId: 'e1' },
		exportFailed: { exportId: 'e1', error: 'boom' },
	};
	if (samples[event]) return samples[event];
	const capture = loadFixtures().find((c) => c.event === event && c.variant !== 'route-mapped');
	if (!capture) throw new Error(`no sample for ${event}`);
	return fixtureJson<{ data: Record<string, unknown> }>(capture).data;
}
