import type { IDataObject } from 'n8n-workflow';

import {
	normalizedTriggerItem,
	payloadCaptures,
	rawTriggerItem,
	webhookNodeItem,
	type Json,
} from '../support/deliveryEvents';
import { fixture, fixtureJson } from '../support/fixtures';
import { connect, node, NODE_TYPES, runWorkflow } from '../support/workflow';

async function normalize(
	items: Json[],
	parameters: IDataObject = {},
	options: { continueOnFail?: boolean } = {},
) {
	const run = await runWorkflow(
		{
			nodes: [
				node('Webhook', NODE_TYPES.trigger, { events: ['*'] }, { webhookId: 'w' }),
				node('Normalize', NODE_TYPES.normalize, parameters, {
					...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
				}),
			],
			connections: connect({}, 'Webhook', 'Normalize'),
		},
		{ startItems: items },
	);
	return Object.assign(run, { out: run.json('Normalize') });
}

describe('EmailEngine Normalize node', () => {
	const captures = payloadCaptures();

	it("gives the trigger's normalized item for every capture, from n8n's Webhook node output", async () => {
		const run = await normalize(captures.map(webhookNodeItem));
		expect(run.out).toEqual(captures.map((capture) => normalizedTriggerItem(capture)));
	});

	it('gives the same item again for an item the trigger already normalized', async () => {
		const run = await normalize(captures.map((capture) => normalizedTriggerItem(capture)));
		expect(run.out).toEqual(captures.map((capture) => normalizedTriggerItem(capture)));
	});

	it("reads the trigger's raw output, keeping its event id (attempt and route stay in headers)", async () => {
		const run = await normalize(captures.map(rawTriggerItem));
		expect(run.out).toEqual(
			captures.map((capture) => ({
				...normalizedTriggerItem(capture),
				deliveryAttempt: null,
				routeId: null,
			})),
		);
		expect(
			run.out.every(
				(item) => item.eventId === captures[run.out.indexOf(item)].headers['x-ee-wh-event-id'],
			),
		).toBe(true);
	});

	it('keeps the payload as EmailEngine sent it on request', async () => {
		const capture = fixture('messageBounce-global-1');
		const run = await normalize([rawTriggerItem(capture)], { includeRaw: true });
		expect(run.out[0].raw).toEqual(fixtureJson(capture));
	});

	it('makes one item per recipient, each paired with its input item', async () => {
		const sent = webhookNodeItem(fixture('messageSent-global-1'));
		const data = (sent.body as Json & { data: Json }).data;
		data.envelope = { from: 'alice@example.com', to: ['a@example.net', 'b@example.net'] };
		const accountEvent = webhookNodeItem(fixture('accountAdded-global-1'));
		const run = await normalize([sent, accountEvent], { perRecipient: true });
		expect(run.out.map((item) => [item.event, item.recipient, item.recipients])).toEqual([
			['messageSent', 'a@example.net', ['a@example.net', 'b@example.net']],
			['messageSent', 'b@example.net', ['a@example.net', 'b@example.net']],
			['accountAdded', null, []],
		]);
		expect(run.items('Normalize').map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
		]);
	});

	it('names the item and the field of input that is not an EmailEngine event', async () => {
		const mapped = rawTriggerItem(fixture('messageSent-route-mapped-1'));
		const run = await normalize([rawTriggerItem(fixture('messageSent-global-1')), mapped]);
		expect(run.error?.message).toBe(
			'Item 1 is not an EmailEngine event: Not an EmailEngine webhook payload: the field "event" is missing',
		);

		const broken = webhookNodeItem(fixture('messageSent-global-1'));
		delete ((broken.body as Json).data as Json).queueId;
		const second = await normalize([broken]);
		expect(second.error?.message).toBe(
			'Item 0 is not an EmailEngine event: body: messageSent: data.queueId is missing',
		);
	});

	it('with continue on fail, reports the bad item in place and normalizes the rest', async () => {
		const run = await normalize(
			[
				rawTriggerItem(fixture('trackOpen-global-1')),
				{ hello: 'world' },
				rawTriggerItem(fixture('trackClick-global-1')),
			],
			{},
			{ continueOnFail: true },
		);
		expect(run.error).toBeUndefined();
		expect(run.out.map((item) => item.event ?? item.error)).toEqual([
			'trackOpen',
			'Item 1 is not an EmailEngine event: Not an EmailEngine webhook payload: the field "event" is missing',
			'trackClick',
		]);
	});
});
