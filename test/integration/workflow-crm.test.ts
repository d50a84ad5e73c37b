import type { IConnections, IDataObject } from 'n8n-workflow';

import { receive } from '../../nodes/EmailEngineTrigger/receive';
import {
	DEFAULT_DEDUP_WINDOW_MS,
	DEFAULT_MAX_IDS_PER_GENERATION,
	EventIdMemory,
} from '../../nodes/shared/dedup';
import { CRM_NODE_TYPE, CrmUpdate, startFakeCrm, type FakeCrm } from '../support/crm';
import { normalizedTriggerItem, type Json } from '../support/deliveryEvents';
import {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	startWebhookReceiver,
	type FakeEmailEngine,
	type ReceivedRequest,
	type WebhookReceiver,
} from '../support/fakeEmailEngine';
import { fixture } from '../support/fixtures';
import { connect, node, NODE_TYPES, runWorkflow, type WorkflowRun } from '../support/workflow';

const credentials = { emailEngineApi: { id: '1', name: 'EmailEngine' } };
const trigger = () =>
	node(
		'EmailEngine Trigger',
		NODE_TYPES.trigger,
		{ events: ['*'] },
		{ webhookId: 'ee', credentials },
	);

let crm: FakeCrm;

beforeEach(async () => {
	crm = await startFakeCrm();
});

afterEach(async () => {
	await crm.stop();
});

/** Trigger → Normalize → Correlate (Resolve) → accepted / failed / bounced → CRM status update. */
function statusWorkflow() {
	const connections: IConnections = {};
	connect(connections, 'EmailEngine Trigger', 'EmailEngine Normalize');
	connect(connections, 'EmailEngine Normalize', 'EmailEngine Correlate');
	connect(
		connections,
		'EmailEngine Correlate',
		'Mark Accepted',
		null,
		'Mark Failed',
		'Mark Bounced',
	);
	const update = (name: string, status: string) =>
		node(name, CRM_NODE_TYPE, {
			method: 'PUT',
			url: `=${crm.url}/records/{{ $json.trackingKey }}`,
			body: `={{ { status: "${status}", queueId: $json.queueId, detail: $json.smtpResponse ?? $json.error } }}`,
		});
	return {
		nodes: [
			trigger(),
			node('EmailEngine Normalize', NODE_TYPES.normalize),
			node('EmailEngine Correlate', NODE_TYPES.correlate, { operation: 'resolve' }),
			update('Mark Accepted', 'accepted'),
			update('Mark Failed', 'failed'),
			update('Mark Bounced', 'bounced'),
		],
		connections,
	};
}

/**
 * Trigger → Correlate (Resolve, one output) → CRM lookup by tracking key → Correlate (Merge
 * the trigger's event into the stored record) → CRM write.
 */
function trackingWorkflow() {
	const connections: IConnections = {};
	connect(connections, 'EmailEngine Trigger', 'Resolve');
	connect(connections, 'Resolve', 'Find Record');
	connect(connections, 'Find Record', 'Merge');
	connect(connections, 'Merge', 'Save Record');
	return {
		nodes: [
			trigger(),
			node('Resolve', NODE_TYPES.correlate, { operation: 'resolve', routeByOutcome: false }),
			node('Find Record', CRM_NODE_TYPE, {
				method: 'GET',
				url: `=${crm.url}/records/{{ $json.trackingKey }}`,
				body: '={{ {} }}',
			}),
			node('Merge', NODE_TYPES.correlate, {
				operation: 'merge',
				routeByOutcome: false,
				event: "={{ $('EmailEngine Trigger').item.json }}",
				record: '={{ $json.record ?? "" }}',
			}),
			node('Save Record', CRM_NODE_TYPE, {
				method: 'PUT',
				url: `=${crm.url}/records/{{ $json.trackingKey }}`,
				body: '={{ { state: $json.state, reference: $json.reference, record: $json.recordJson } }}',
			}),
		],
		connections,
	};
}

async function execute(
	workflow: ReturnType<typeof statusWorkflow>,
	item: Json,
): Promise<WorkflowRun> {
	const run = await runWorkflow(workflow, {
		startItems: [item],
		nodeTypes: { [CRM_NODE_TYPE]: new CrmUpdate() },
	});
	expect(run.error).toBeUndefined();
	return run;
}

describe('workflow: update a CRM record when a message is accepted, fails or bounces', () => {
	it('writes the outcome of each captured delivery event to the record of its message', async () => {
		const events = [
			'messageSent-global-2',
			'messageDeliveryError-global-1',
			'messageFailed-global-2',
			'messageBounce-global-1',
			'trackOpen-global-1',
		];
		for (const name of events)
			await execute(statusWorkflow(), normalizedTriggerItem(fixture(name)));

		expect(crm.calls.map((call) => [call.path, call.body.status])).toEqual([
			['/records/<d465df19-5a7c-4db7-2b4e-b7dc97a53ac6@example.com>', 'accepted'],
			['/records/<195b492c-f97d-098a-acce-e3232ce85c8e@example.com>', 'failed'],
			['/records/<7a0e4533-77a9-af7a-50d0-25e8c2ba3d43@example.com>', 'bounced'],
		]);
		expect(crm.calls[0].body.queueId).toBe('1a23d021ec67bcf8ba4');
		expect(crm.calls[2].body.detail).toMatch(/^550 5\.1\.1 <okrcpt@example\.net>/);
	});
});

describe('workflow: keep a tracking record per message in the CRM', () => {
	const lifecycle = [
		'messageSent-global-1',
		'trackOpen-global-1',
		'trackClick-global-1',
		'messageNew-global-2',
		'messageBounce-global-1',
		'messageComplaint-global-1',
	];

	async function storedAfter(names: string[]): Promise<IDataObject> {
		for (const name of names)
			await execute(trackingWorkflow(), normalizedTriggerItem(fixture(name)));
		return crm.records.get('<7a0e4533-77a9-af7a-50d0-25e8c2ba3d43@example.com>') ?? {};
	}

	it('ends with the same record whatever order the events arrive in, with redeliveries', async () => {
		const inOrder = await storedAfter(lifecycle);
		crm.records.clear();
		const shuffled = await storedAfter([
			'messageComplaint-global-1',
			'trackClick-global-1',
			'messageBounce-global-1',
			'messageSent-global-1',
			'messageBounce-global-1',
			'messageNew-global-2',
			'trackOpen-global-1',
			'messageSent-global-1',
		]);
		expect(shuffled).toEqual(inOrder);
		expect(inOrder.state).toBe('complained');
		const record = JSON.parse(inOrder.record as string) as IDataObject;
		expect(record).toMatchObject({ opened: true, clicked: true, queueId: '1a23d02175135ce827a' });
		expect((record.history as unknown[]).length).toBe(6);
	});
});

describe('workflow: from the EmailEngine node through a relay rewrite to a bounce', () => {
	let fake: FakeEmailEngine;
	let receiver: WebhookReceiver;
	const serviceSecret = 'integration-signing-secret';

	beforeEach(async () => {
		receiver = await startWebhookReceiver();
		fake = await startFakeEmailEngine({
			accounts: [{ account: 'alice', name: 'Alice Example', email: 'alice@example.com' }],
			settings: {
				serviceSecret,
				webhooksEnabled: true,
				webhooks: `${receiver.url}/webhook`,
				webhookEvents: ['*'],
				serviceUrl: 'http://127.0.0.1:3000',
			},
		});
	});

	afterEach(async () => {
		await fake.stop();
		await receiver.stop();
	});

	/** What the trigger's webhook() makes of a request EmailEngine sent. */
	function triggerItem(request: ReceivedRequest): Json {
		const outcome = receive(
			request.body,
			request.headers,
			{
				secrets: { current: serviceSecret },
				acceptUnsigned: false,
				events: new Set(['*']),
				accounts: null,
				output: 'normalized',
				includeRaw: false,
			},
			new EventIdMemory({
				windowMs: DEFAULT_DEDUP_WINDOW_MS,
				maxIdsPerGeneration: DEFAULT_MAX_IDS_PER_GENERATION,
			}),
		);
		if (outcome.kind !== 'accept')
			throw new Error(`trigger did not accept: ${JSON.stringify(outcome)}`);
		return outcome.item as Json;
	}

	it('files the bounce under the reference although the relay replaced the Message-ID', async () => {
		const sendConnections = connect({}, 'Start', 'Send');
		const sent = await runWorkflow(
			{
				nodes: [
					node('Start', NODE_TYPES.trigger, { events: ['*'] }, { webhookId: 's' }),
					node(
						'Send',
						NODE_TYPES.emailEngine,
						{
							resource: 'email',
							operation: 'send',
							account: 'alice',
							to: 'outlook-user@example.net',
							subject: 'Your quote',
							text: 'Hello',
							reference: 'deal-4711',
						},
						{ credentials },
					),
				],
				connections: sendConnections,
			},
			{
				startItems: [{}],
				credentials: { emailEngineApi: { baseUrl: fake.url, accessToken: FAKE_ROOT_TOKEN } },
			},
		);
		const submission = sent.json('Send')[0];
		const queued = submission.messageId as string;

		const [sentRequest] = await receiver.waitFor(1);
		const sentItem = triggerItem(sentRequest);
		expect(sentItem).toMatchObject({ event: 'messageSent', originalMessageId: queued });
		expect(sentItem.messageId).not.toBe(queued);
		await execute(trackingWorkflow(), sentItem);

		// The remote MTA's report quotes the rewritten Message-ID, and the original headers.
		fake.emit('messageBounce', 'alice', {
			bounceMessage: 'AAAAAQAAAAI',
			recipient: 'outlook-user@example.net',
			action: 'failed',
			response: { source: 'smtp', message: '550 5.1.1 User unknown', status: '5.1.1' },
			mta: 'mx.example.net',
			queueId: '4F2A1C0123',
			messageId: sentItem.messageId,
			messageHeaders: {
				'message-id': [sentItem.messageId],
				'x-n8n-reference': [queued],
			},
		});
		const [, bounceRequest] = await receiver.waitFor(2);
		await execute(trackingWorkflow(), triggerItem(bounceRequest));

		const stored = crm.records.get(queued);
		expect(stored).toMatchObject({ state: 'bounced', reference: 'deal-4711' });
		const record = JSON.parse(stored!.record as string) as IDataObject;
		expect(record).toMatchObject({
			queueId: submission.queueId,
			messageId: queued,
			recipients: { 'outlook-user@example.net': { state: 'bounced' } },
		});
		expect(record.messageIds).toContain(sentItem.messageId);
		expect(crm.records.size).toBe(1);
	});
});
