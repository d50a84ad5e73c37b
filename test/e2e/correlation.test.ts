import { randomUUID } from 'node:crypto';

import {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	type FakeEmailEngine,
} from '../support/fakeEmailEngine/fakeEmailEngine';
import { CAPTURE_SERVICE_SECRET } from '../support/fixtures';
import { http, nodeOutput, packageName, startN8n, type N8nInstance } from '../support/n8n';
import { createEmailEngineCredential } from './support/emailEngineWorkflows';

jest.setTimeout(300_000);

let n8n: N8nInstance;
let fake: FakeEmailEngine;

beforeAll(async () => {
	[n8n, fake] = await Promise.all([
		startN8n(),
		startFakeEmailEngine({
			settings: { serviceSecret: CAPTURE_SERVICE_SECRET },
			accounts: [{ account: 'bob', email: 'bob@example.com', name: 'Bob' }],
		}),
	]);
});

afterAll(async () => {
	await n8n?.stop();
	await fake?.stop();
});

const node = (name: string, type: string, parameters: Record<string, unknown>, extra = {}) => ({
	id: randomUUID(),
	name,
	type,
	typeVersion: 1,
	position: [0, 0],
	parameters,
	...extra,
});

const chain = (...names: string[]) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);

/** Webhook → EmailEngine Send, with the recipient and the reference taken from the request. */
function senderWorkflow(credential: { id: string; name: string }, path: string) {
	return {
		name: 'Send with a reference',
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
				{ typeVersion: 2, webhookId: randomUUID() },
			),
			node(
				'Send',
				`${packageName}.emailEngine`,
				{
					resource: 'email',
					operation: 'send',
					account: 'bob',
					to: '={{ $json.body.to }}',
					subject: 'Your order',
					text: 'Thank you for your order.',
					reference: '={{ $json.body.reference }}',
					options: {},
				},
				{ credentials: { emailEngineApi: credential } },
			),
		],
		connections: chain('Webhook', 'Send'),
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Trigger → Correlate Resolve → load the message's record from the workflow's static data →
 * Correlate Merge → store the record again: the tracking record lives in n8n itself.
 */
function trackerWorkflow(credential: { id: string; name: string }) {
	const webhookId = randomUUID();
	return {
		webhookId,
		input: {
			name: 'Track deliveries',
			nodes: [
				node(
					'EmailEngine Trigger',
					`${packageName}.emailEngineTrigger`,
					{
						registration: 'global',
						events: ['messageSent', 'messageDeliveryError', 'messageFailed', 'messageBounce'],
					},
					{ typeVersion: 1.1, webhookId, credentials: { emailEngineApi: credential } },
				),
				node('Resolve', `${packageName}.emailEngineCorrelate`, {
					operation: 'resolve',
					routeByOutcome: false,
				}),
				node(
					'Load Record',
					'n8n-nodes-base.code',
					{
						jsCode:
							"const store = $getWorkflowStaticData('global');\nreturn $input.all().map((item) => ({ json: { record: store[item.json.trackingKey] ?? '' } }));",
					},
					{ typeVersion: 2 },
				),
				node('Merge', `${packageName}.emailEngineCorrelate`, {
					operation: 'merge',
					event: "={{ $('EmailEngine Trigger').item.json }}",
					record: '={{ $json.record }}',
					routeByOutcome: false,
					options: {},
				}),
				node(
					'Save Record',
					'n8n-nodes-base.code',
					{
						jsCode:
							"const store = $getWorkflowStaticData('global');\nfor (const item of $input.all()) store[item.json.trackingKey] = item.json.record;\nreturn $input.all();",
					},
					{ typeVersion: 2 },
				),
			],
			connections: chain('EmailEngine Trigger', 'Resolve', 'Load Record', 'Merge', 'Save Record'),
			settings: { executionOrder: 'v1' },
		},
	};
}

interface Submission {
	queueId: string;
	messageId: string;
	reference: string;
	trackingKey: string;
}

async function send(
	senderId: string,
	path: string,
	to: string,
	reference: string,
	count: number,
): Promise<Submission> {
	const answer = await http(n8n.webhookUrl(path), { body: { to, reference } });
	expect(answer.status).toBe(200);
	const executions = await n8n.waitForExecutions(senderId, count);
	const [submission] = nodeOutput(executions[executions.length - 1], 'Send') as Submission[];
	return submission;
}

describe('following a message from the EmailEngine node to its last event, in a real n8n', () => {
	test('Correlate recovers the reference from every event and keeps the final state', async () => {
		const credential = await createEmailEngineCredential(n8n, {
			baseUrl: fake.url,
			accessToken: FAKE_ROOT_TOKEN,
			serviceSecret: CAPTURE_SERVICE_SECRET,
		});

		const tracker = trackerWorkflow(credential);
		const trackerWorkflowEntity = await n8n.createWorkflow(tracker.input);
		await n8n.activate(trackerWorkflowEntity.id);
		expect((await n8n.waitForPublication(trackerWorkflowEntity.id)).status).toBe('published');
		await n8n.waitForWebhook(n8n.webhookUrl(`${tracker.webhookId}/webhook`));

		const path = `send-${randomUUID().slice(0, 8)}`;
		const sender = await n8n.createWorkflow(senderWorkflow(credential, path));
		await n8n.activate(sender.id);
		await n8n.waitForWebhook(n8n.webhookUrl(path));

		// deal-42: accepted by the next hop (the fake sends messageSent), then a deferral reported
		// late, then a bounce whose report quotes the original headers.
		const accepted = await send(sender.id, path, 'okrcpt@example.net', 'deal-42', 1);
		expect(accepted.reference).toBe('deal-42');
		await n8n.waitForExecutions(trackerWorkflowEntity.id, 1);

		fake.emit('messageDeliveryError', 'bob', {
			queueId: accepted.queueId,
			envelope: { from: 'bob@example.com', to: ['okrcpt@example.net'] },
			messageId: accepted.messageId,
			error: 'Greylisted',
			errorCode: 'EENVELOPE',
			smtpResponse: '451 4.7.1 Greylisted, try again later',
			smtpResponseCode: 451,
			smtpCommand: 'RCPT TO',
			networkRouting: null,
			job: {
				id: accepted.queueId,
				attemptsMade: 0,
				attempts: 10,
				nextAttempt: new Date().toISOString(),
			},
		});
		await n8n.waitForExecutions(trackerWorkflowEntity.id, 2);

		fake.emit('messageBounce', 'bob', {
			bounceMessage: 'AAAAAQAAAAI',
			recipient: 'okrcpt@example.net',
			action: 'failed',
			response: { source: 'smtp', message: '550 5.1.1 User unknown', status: '5.1.1' },
			mta: 'mx.example.net',
			queueId: '4F2A1C0123',
			messageId: accepted.messageId,
			messageHeaders: { 'message-id': [accepted.messageId] },
		});
		await n8n.waitForExecutions(trackerWorkflowEntity.id, 3);

		// deal-43: refused with a 550, so the fake sends messageDeliveryError and messageFailed.
		const refused = await send(sender.id, path, 'permfail@example.net', 'deal-43', 2);
		const executions = await n8n.waitForExecutions(trackerWorkflowEntity.id, 5);

		const resolved = executions.flatMap((execution) => nodeOutput(execution, 'Resolve')) as Array<{
			event: string;
			reference: string;
			outcome: string;
		}>;
		expect(
			resolved.map(({ event, reference, outcome }) => ({ event, reference, outcome })),
		).toEqual(
			expect.arrayContaining([
				{ event: 'messageSent', reference: 'deal-42', outcome: 'accepted' },
				{ event: 'messageDeliveryError', reference: 'deal-42', outcome: 'deferred' },
				{ event: 'messageBounce', reference: 'deal-42', outcome: 'bounced' },
				{ event: 'messageDeliveryError', reference: 'deal-43', outcome: 'failed' },
				{ event: 'messageFailed', reference: 'deal-43', outcome: 'failed' },
			]),
		);
		expect(executions.every((execution) => execution.status === 'success')).toBe(true);

		const stored = (
			await n8n.api<{
				staticData?: { global?: Record<string, { state: string; reference: string }> };
			}>('GET', `/workflows/${trackerWorkflowEntity.id}`)
		).staticData?.global;
		expect(stored?.[accepted.trackingKey]).toMatchObject({
			state: 'bounced',
			reference: 'deal-42',
		});
		expect(stored?.[refused.trackingKey]).toMatchObject({ state: 'failed', reference: 'deal-43' });
	});
});
