import type { IDataObject } from 'n8n-workflow';

import { correlatedMessageId } from '../../nodes/shared/correlation';
import {
	lifecycleEvent,
	normalizedTriggerItem,
	rawTriggerItem,
	webhookNodeItem,
	type Json,
	type MessageIdentity,
} from '../support/deliveryEvents';
import { fixture } from '../support/fixtures';
import { connect, node, NODE_TYPES, runWorkflow } from '../support/workflow';

const OUTPUTS = ['accepted', 'deferred', 'failed', 'bounced', 'complained', 'engaged', 'other'];

async function correlateRun(
	items: Json[],
	parameters: IDataObject,
	options: { continueOnFail?: boolean } = {},
) {
	const run = await runWorkflow(
		{
			nodes: [
				node('Trigger', NODE_TYPES.trigger, { events: ['*'] }, { webhookId: 't' }),
				node('Correlate', NODE_TYPES.correlate, parameters, {
					...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
				}),
			],
			connections: connect({}, 'Trigger', 'Correlate'),
		},
		{ startItems: items },
	);
	/** Which output each item left by, in input order. */
	const routes = () => {
		const byItem: Array<[number, string]> = [];
		OUTPUTS.forEach((name, output) => {
			for (const item of run.items('Correlate', output)) {
				const paired = item.pairedItem as { item: number };
				byItem.push([paired.item, name]);
			}
		});
		return byItem.sort(([a], [b]) => a - b).map(([, name]) => name);
	};
	return Object.assign(run, { routes });
}

describe('EmailEngine Correlate node: Resolve', () => {
	const names = [
		'messageSent-global-2',
		'messageDeliveryError-global-1',
		'messageDeliveryError-global-2',
		'messageFailed-global-1',
		'messageBounce-global-1',
		'messageComplaint-global-1',
		'trackOpen-global-1',
		'trackClick-global-1',
		'messageNew-global-1',
		'accountAdded-global-1',
	];

	it('sends each event to the output of its outcome, whatever shape it arrives in', async () => {
		const expected = [
			'accepted',
			'deferred',
			'failed',
			'failed',
			'bounced',
			'complained',
			'engaged',
			'engaged',
			'other',
			'other',
		];
		for (const shape of [webhookNodeItem, rawTriggerItem, normalizedTriggerItem]) {
			const run = await correlateRun(
				names.map((name) => shape(fixture(name))),
				{ operation: 'resolve' },
			);
			expect(run.error).toBeUndefined();
			expect(run.routes()).toEqual(expected);
		}
	});

	it('adds the correlation keys and the recovered reference to the normalized event', async () => {
		const queued = correlatedMessageId('deal-4711', 'example.com');
		const message: MessageIdentity = {
			account: 'alice',
			queueId: '1a23d021ec67bcf8ba4',
			messageId: queued,
			rewrittenId: '<C0C09C41-F2DA@DM6PR11MB1234.namprd11.prod.outlook.com>',
			recipient: 'okrcpt@example.net',
		};
		const run = await correlateRun(
			[
				lifecycleEvent('sent', message, 'e1', '2026-12-03T17:44:39.163Z'),
				lifecycleEvent('bounce', message, 'e2', '2026-12-03T17:45:01.803Z', {
					referenceHeader: queued,
				}),
			],
			{ operation: 'resolve' },
		);
		expect(run.json('Correlate', 0)).toEqual([
			expect.objectContaining({
				event: 'messageSent',
				queueId: '1a23d021ec67bcf8ba4',
				messageId: '<C0C09C41-F2DA@dm6pr11mb1234.namprd11.prod.outlook.com>',
				originalMessageId: queued,
				trackingKey: queued,
				reference: 'deal-4711',
				referenceSource: 'originalMessageId',
				deliveryState: 'sent',
				outcome: 'accepted',
			}),
		]);
		expect(run.json('Correlate', 3)).toEqual([
			expect.objectContaining({
				event: 'messageBounce',
				queueId: null,
				trackingKey: queued,
				reference: 'deal-4711',
				referenceSource: 'header',
				deliveryState: 'bounced',
			}),
		]);
	});

	it('has a single output when routing is off', async () => {
		const run = await correlateRun(
			names.map((name) => rawTriggerItem(fixture(name))),
			{ operation: 'resolve', routeByOutcome: false },
		);
		expect(run.outputCounts('Correlate')).toEqual([names.length]);
	});

	it('names the item that is not an EmailEngine event, or routes it to "other" on continue', async () => {
		const items = [rawTriggerItem(fixture('trackOpen-global-1')), { some: 'thing' }];
		const failed = await correlateRun(items, { operation: 'resolve' });
		expect(failed.error?.message).toBe(
			'Item 1: not an EmailEngine event: Not an EmailEngine webhook payload: the field "event" is missing',
		);
		const continued = await correlateRun(items, { operation: 'resolve' }, { continueOnFail: true });
		expect(continued.routes()).toEqual(['engaged', 'other']);
		expect(continued.json('Correlate', 6)[0].error).toMatch(/^Item 1: not an EmailEngine event/);
	});
});

describe('EmailEngine Correlate node: Merge', () => {
	const merge = { operation: 'merge', event: '={{ $json.event }}', record: '={{ $json.record }}' };
	const message: MessageIdentity = {
		account: 'alice',
		queueId: '1a23d021ec67bcf8ba4',
		messageId: correlatedMessageId('deal-4711', 'example.com'),
		recipient: 'okrcpt@example.net',
	};

	/** Merges the events one execution at a time, passing the stored record on as a string. */
	async function mergeInTurn(events: Json[]) {
		let stored = '';
		const steps: Array<{ route: string; json: IDataObject }> = [];
		for (const event of events) {
			const run = await correlateRun([{ event, record: stored }], merge);
			expect(run.error).toBeUndefined();
			const route = run.routes()[0];
			const json = run.json('Correlate', OUTPUTS.indexOf(route))[0];
			stored = json.recordJson as string;
			steps.push({ route, json });
		}
		return steps;
	}

	it('tells each piece of news once, and never reports a late messageSent after a bounce', async () => {
		const deferred = lifecycleEvent('deferred', message, 'd1', '2026-12-03T17:44:37.803Z');
		const bounce = lifecycleEvent('bounce', message, 'b1', '2026-12-03T17:45:01.803Z');
		const sent = lifecycleEvent('sent', message, 's1', '2026-12-03T17:44:39.163Z');
		const open = lifecycleEvent('open', message, 'o1', '2026-12-03T17:44:43.621Z');
		const steps = await mergeInTurn([deferred, bounce, sent, open, bounce]);
		expect(steps.map((step) => step.route)).toEqual([
			'deferred',
			'bounced',
			'other',
			'engaged',
			'other',
		]);
		expect(steps.map((step) => [step.json.state, step.json.changed])).toEqual([
			['deferred', true],
			['bounced', true],
			['bounced', true],
			['bounced', true],
			['bounced', false],
		]);
		const record = steps[4].json.record as IDataObject;
		expect(record).toMatchObject({
			reference: 'deal-4711',
			queueId: message.queueId,
			trackingKey: message.messageId,
			state: 'bounced',
			opened: true,
			recipients: { 'okrcpt@example.net': { state: 'bounced' } },
		});
		expect((record.history as IDataObject[]).map((entry) => entry.eventId)).toEqual([
			'd1',
			's1',
			'o1',
			'b1',
		]);
	});

	it('starts a record from the Send output', async () => {
		const run = await correlateRun(
			[
				{
					event: {
						account: 'alice',
						queueId: message.queueId,
						messageId: message.messageId,
						sendAt: '2026-12-03T17:44:30.000Z',
						response: 'Queued for delivery',
						reference: 'deal-4711',
						recipients: ['okrcpt@example.net'],
						submittedAt: '2026-12-03T17:44:30.000Z',
					},
					record: '',
				},
			],
			merge,
		);
		expect(run.routes()).toEqual(['other']);
		expect(run.json('Correlate', 6)[0]).toMatchObject({
			state: 'queued',
			isNewRecord: true,
			changed: true,
			reference: 'deal-4711',
		});
	});

	it('reports records it cannot use and events that concern no sent message, per item', async () => {
		const good = { event: rawTriggerItem(fixture('trackOpen-global-1')), record: '' };
		const cases: Array<[Json, string | RegExp]> = [
			[
				{ event: rawTriggerItem(fixture('trackOpen-global-1')), record: '{"state":"sent"}' },
				/^Item 1: The tracking record is not one this node wrote: record\.version is missing; record\.trackingKey is missing/,
			],
			[
				{ event: rawTriggerItem(fixture('accountAdded-global-1')), record: '' },
				'Item 1: the accountAdded event does not concern a sent message, so there is nothing to merge',
			],
			[
				{
					event: {
						queueId: message.queueId,
						messageId: message.messageId,
						response: 'Queued for delivery',
						recipients: 'okrcpt@example.net',
					},
					record: '',
				},
				'Item 1: The submission is not one the EmailEngine node returned: recipients must be an array, not a string',
			],
			[
				{ event: { kind: 'sent' }, record: '' },
				'Item 1: the event is not an EmailEngine event: Not an EmailEngine webhook payload: the field "event" is missing',
			],
		];
		for (const [bad, message] of cases) {
			const run = await correlateRun([good, bad], merge);
			expect(run.error?.message).toMatch(message);
		}
	});
});
