import {
	correlate,
	correlatedMessageId,
	REFERENCE_HEADER,
	referenceFromMessageId,
	referenceProblem,
} from '../../nodes/shared/correlation';
import { readEventInput } from '../../nodes/shared/eventInput';
import type { NormalizedEvent } from '../../nodes/shared/normalize';
import {
	lifecycleEvent,
	payloadCaptures,
	webhookNodeItem,
	type Json,
} from '../support/deliveryEvents';
import { fixture } from '../support/fixtures';

function normalized(item: Json): NormalizedEvent {
	const read = readEventInput(item);
	if (!read.ok) throw new Error(read.message);
	return read.normalized;
}

describe('correlation references', () => {
	it.each(['deal-4711', 'A', 'crm_contact_00Q5g000001', 'x'.repeat(64)])(
		'accepts %s',
		(reference) => {
			expect(referenceProblem(reference)).toBeNull();
			const id = correlatedMessageId(reference, 'Example.COM');
			expect(id).toMatch(new RegExp(`^<n8n-ref\\.${reference}\\.[0-9a-f]{20}@example\\.com>$`));
			expect(referenceFromMessageId(id)).toBe(reference);
		},
	);

	it.each([
		['', 'empty'],
		['deal 4711', 'a space'],
		['deal.4711', 'a dot, which separates the parts of the Message-ID'],
		['x'.repeat(65), 'too long'],
		['kunde-ä', 'a non-ASCII letter'],
		['a>b', 'an angle bracket'],
		['a\r\nBcc: x@example.com', 'a line break that would inject a header'],
	])('rejects %j (%s) with the rule', (reference) => {
		expect(referenceProblem(reference)).toMatch(
			/cannot be carried in a Message-ID and a header: it must be 1 to 64 characters, each a letter, a digit, "-" or "_"/,
		);
		expect(() => correlatedMessageId(reference, 'example.com')).toThrow();
	});

	it('generates a different Message-ID for every message with the same reference', () => {
		const ids = new Set(Array.from({ length: 50 }, () => correlatedMessageId('r1', 'example.com')));
		expect(ids.size).toBe(50);
	});

	it('reads no reference out of Message-IDs it did not generate', () => {
		for (const capture of payloadCaptures()) {
			const event = normalized(webhookNodeItem(capture));
			expect(correlate(event).reference).toBeNull();
		}
		expect(referenceFromMessageId('<n8n-ref.deal.notatoken@example.com>')).toBeNull();
		expect(referenceFromMessageId(42)).toBeNull();
	});

	it('survives the canonical form: brackets missing, domain upper-cased', () => {
		const id = correlatedMessageId('Deal-9', 'example.com');
		expect(referenceFromMessageId(id.slice(1, -1).replace('example.com', 'EXAMPLE.COM'))).toBe(
			'Deal-9',
		);
	});
});

describe('correlating the captured events', () => {
	it('keys messageSent after an Outlook rewrite by the queued Message-ID and lists both ids', () => {
		const result = correlate(normalized(webhookNodeItem(fixture('messageSent-global-2'))));
		expect(result.trackingKey).toBe('<d465df19-5a7c-4db7-2b4e-b7dc97a53ac6@example.com>');
		expect(result.queuedMessageId).toBe(result.trackingKey);
		expect(result.messageIds).toEqual([
			'<6A2E31F0-D6D2-43D3-9354-0C62AA0AE443@dm6pr11mb1234.namprd11.prod.outlook.com>',
			'<d465df19-5a7c-4db7-2b4e-b7dc97a53ac6@example.com>',
		]);
		expect(result.outcome).toBe('accepted');
	});

	it('gives every event of one message the same tracking key', () => {
		const names = [
			'messageSent-global-1',
			'trackOpen-global-1',
			'trackClick-global-1',
			'messageBounce-global-1',
			'messageComplaint-global-1',
			'messageNew-global-2',
		];
		const keys = names.map(
			(name) => correlate(normalized(webhookNodeItem(fixture(name)))).trackingKey,
		);
		expect(new Set(keys)).toEqual(new Set(['<7a0e4533-77a9-af7a-50d0-25e8c2ba3d43@example.com>']));
	});

	it.each([
		['messageSent-global-1', 'accepted'],
		['messageDeliveryError-global-1', 'deferred'],
		['messageDeliveryError-global-2', 'failed'],
		['messageFailed-global-1', 'failed'],
		['messageBounce-global-1', 'bounced'],
		['messageComplaint-global-1', 'complained'],
		['trackOpen-global-1', 'engaged'],
		['trackClick-global-1', 'engaged'],
		['messageNew-global-1', 'other'],
		['accountAdded-global-1', 'other'],
	])('%s means %s', (name, outcome) => {
		expect(correlate(normalized(webhookNodeItem(fixture(name)))).outcome).toBe(outcome);
	});

	it('gives an ordinary incoming message and account events no tracking key', () => {
		for (const name of ['messageNew-global-1', 'accountAdded-global-1', 'mailboxNew-global-1']) {
			expect(correlate(normalized(webhookNodeItem(fixture(name)))).trackingKey).toBeNull();
		}
	});
});

describe('recovering the reference from later events', () => {
	const queued = correlatedMessageId('deal-4711', 'example.com');
	const rewritten =
		'<6A2E31F0-AAAA-43D3-9354-0C62AA0AE443@DM6PR11MB1234.namprd11.prod.outlook.com>';
	const plain = {
		account: 'alice',
		queueId: '1a23d021ec67bcf8ba4',
		messageId: queued,
		recipient: 'okrcpt@example.net',
	};
	const relayed = { ...plain, rewrittenId: rewritten };
	const at = '2026-12-03T17:44:39.163Z';

	it.each([
		['sent', 'no relay', 'messageId', plain],
		['deferred', 'no relay', 'messageId', plain],
		['failed', 'no relay', 'messageId', plain],
		['open', 'rewriting relay', 'messageId', relayed],
		['click', 'rewriting relay', 'messageId', relayed],
		['bounce', 'no relay', 'messageId', plain],
		['complaint', 'no relay', 'messageId', plain],
		['sent', 'rewriting relay', 'originalMessageId', relayed],
	] as const)('%s (%s) carries it in %s', (kind, _label, source, message) => {
		const result = correlate(normalized(lifecycleEvent(kind, message, 'e1', at)));
		expect(result).toMatchObject({
			reference: 'deal-4711',
			referenceSource: source,
			trackingKey: queued,
		});
	});

	it(`finds it only in the ${REFERENCE_HEADER} header of a bounce after a rewrite`, () => {
		const withHeader = correlate(
			normalized(lifecycleEvent('bounce', relayed, 'e1', at, { referenceHeader: queued })),
		);
		expect(withHeader).toMatchObject({
			reference: 'deal-4711',
			referenceSource: 'header',
			trackingKey: queued,
		});
		expect(withHeader.messageIds).toContain(queued);

		const without = correlate(normalized(lifecycleEvent('bounce', relayed, 'e1', at)));
		expect(without.reference).toBeNull();
		expect(without.trackingKey).toBe(
			'<6A2E31F0-AAAA-43D3-9354-0C62AA0AE443@dm6pr11mb1234.namprd11.prod.outlook.com>',
		);
	});

	it('cannot find it in a complaint after a rewrite (reports quote only the Message-ID)', () => {
		expect(
			correlate(normalized(lifecycleEvent('complaint', relayed, 'e1', at))).reference,
		).toBeNull();
	});

	it('finds it in the messageNew of the bounce email and in a reply', () => {
		const bounceMail = webhookNodeItem(fixture('messageNew-global-2'));
		(bounceMail.body as Json & { data: Json }).data.relatedMessageId = queued;
		expect(correlate(normalized(bounceMail))).toMatchObject({
			reference: 'deal-4711',
			referenceSource: 'relatedMessageId',
			trackingKey: queued,
		});

		const reply = webhookNodeItem(fixture('messageNew-global-1'));
		(reply.body as Json & { data: Json }).data.inReplyTo = queued;
		expect(correlate(normalized(reply))).toMatchObject({
			reference: 'deal-4711',
			referenceSource: 'inReplyTo',
			trackingKey: queued,
		});
	});
});
