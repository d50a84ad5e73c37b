import { DELIVERY_LIFECYCLE_EVENTS } from '../../nodes/shared/events';
import {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	type FakeEmailEngine,
} from '../support/fakeEmailEngine/fakeEmailEngine';
import { deliverRaw, replayFixture } from '../support/fakeEmailEngine/replay';
import { CAPTURE_SERVICE_SECRET, fixture, fixtureJson } from '../support/fixtures';
import { nodeOutput, startN8n, type N8nInstance } from '../support/n8n';
import {
	AFTER_TRIGGER_NODE,
	createEmailEngineCredential,
	emailEngineTriggerWorkflow,
	messageSentData,
	waitUntil,
} from './support/emailEngineWorkflows';

jest.setTimeout(300_000);

const SENT = messageSentData('<e2e-1@example.com>');

let n8n: N8nInstance;
let fake: FakeEmailEngine;

beforeAll(async () => {
	n8n = await startN8n();
});

afterAll(async () => {
	await n8n?.stop();
});

beforeEach(async () => {
	fake = await startFakeEmailEngine({
		settings: { serviceSecret: CAPTURE_SERVICE_SECRET },
		accounts: [
			{ account: 'bob', email: 'bob@example.com' },
			{ account: 'carol', email: 'carol@example.com' },
		],
	});
});

afterEach(async () => {
	await fake.stop();
});

async function credential(overrides: { serviceSecret?: string; accessToken?: string } = {}) {
	return await createEmailEngineCredential(n8n, {
		baseUrl: fake.url,
		accessToken: FAKE_ROOT_TOKEN,
		serviceSecret: CAPTURE_SERVICE_SECRET,
		...overrides,
	});
}

async function publishTrigger(parameters: Record<string, unknown>) {
	const workflow = emailEngineTriggerWorkflow(await credential(), {
		events: [...DELIVERY_LIFECYCLE_EVENTS],
		...parameters,
	});
	const created = await n8n.createWorkflow(workflow.input);
	await n8n.activate(created.id);
	const publication = await n8n.waitForPublication(created.id);
	expect(publication.status).toBe('published');
	const url = n8n.webhookUrl(workflow.path);
	await n8n.waitForWebhook(url);
	return { id: created.id, url };
}

describe('EmailEngine Trigger in a real n8n', () => {
	test('global registration: a signed messageSent starts one execution with the documented item', async () => {
		const { id, url } = await publishTrigger({ registration: 'global' });
		expect(fake.state.settings).toMatchObject({
			webhooks: url,
			webhooksEnabled: true,
			webhookEvents: DELIVERY_LIFECYCLE_EVENTS,
		});

		const emitted = fake.emit('messageSent', 'bob', SENT);
		await fake.idle();
		expect(fake.deliveries.map((attempt) => attempt.status)).toEqual([200]);

		const [execution] = await n8n.waitForExecutions(id, 1);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, AFTER_TRIGGER_NODE)).toEqual([
			expect.objectContaining({
				event: 'messageSent',
				account: 'bob',
				eventId: fake.deliveries[0].eventId,
				occurredAt: emitted.date,
				deliveryAttempt: 1,
				queueId: SENT.queueId,
				messageId: SENT.messageId,
				recipients: ['okrcpt@example.net'],
				deliveryState: 'sent',
				smtpResponseCode: 250,
				bounce: null,
				data: SENT,
			}),
		]);
	});

	test('a tampered signature gets 401, an unselected event and a redelivery start nothing', async () => {
		const { id, url } = await publishTrigger({ registration: 'manual' });

		const capture = fixture('messageSent-account-1');
		const accepted = await replayFixture(capture, url, { rewriteHost: true });
		expect(accepted.status).toBe(200);

		const tampered = Buffer.from(capture.body.replace('okrcpt', 'mallory'));
		const forged = await deliverRaw(url, {
			headers: capture.headerPairs
				.filter(([name]) => name !== 'host')
				.map(([name, value]): [string, string] => [
					name,
					name === 'content-length' ? String(tampered.length) : value,
				]),
			body: tampered,
		});
		expect(forged.status).toBe(401);

		const retried = await replayFixture(capture, url, { rewriteHost: true });
		expect(retried.status).toBe(200);
		expect(JSON.parse(retried.body)).toMatchObject({
			ignored: expect.stringMatching(/already received/),
		});

		const unselected = await replayFixture(fixture('messageNew-account-1'), url, {
			rewriteHost: true,
		});
		expect(unselected.status).toBe(200);
		expect(JSON.parse(unselected.body)).toMatchObject({
			ignored: 'Event messageNew is not selected in this trigger',
		});

		const executions = await n8n.waitForExecutions(id, 1);
		expect(executions).toHaveLength(1);
		expect(nodeOutput(executions[0], AFTER_TRIGGER_NODE)).toEqual([
			expect.objectContaining({
				queueId: fixtureJson<{ data: { queueId: string } }>(capture).data.queueId,
			}),
		]);
		expect(n8n.logs()).toContain('EmailEngine Trigger rejected a webhook request');
		expect(n8n.logs()).not.toContain(CAPTURE_SERVICE_SECRET);
		expect(n8n.logs()).not.toContain('mallory');
	});

	test('per-account registration sets only the chosen accounts and unpublishing restores them', async () => {
		fake.state.accounts.get('carol')!.webhooks = 'https://carol-crm.example.com/ee';
		const { id, url } = await publishTrigger({ registration: 'account', accounts: ['bob'] });
		expect(fake.state.accounts.get('bob')?.webhooks).toBe(url);
		expect(fake.state.accounts.get('carol')?.webhooks).toBe('https://carol-crm.example.com/ee');

		await n8n.deactivate(id);
		await n8n.waitForWebhook(url, { registered: false });
		// Unpublishing runs in the background of the deactivate call; wait for its last write.
		await waitUntil(
			() => fake.state.settings.webhooksEnabled === false,
			'unpublishing to switch webhooks off again',
		);
		expect(fake.state.accounts.get('bob')?.webhooks ?? '').toBe('');
		expect(fake.state.accounts.get('carol')?.webhooks).toBe('https://carol-crm.example.com/ee');
		expect(fake.state.settings.webhookEvents ?? []).toEqual([]);
	});

	test('publishing fails with the node’s own message when EmailEngine is down', async () => {
		const workflow = emailEngineTriggerWorkflow(await credential(), {
			registration: 'global',
			events: ['messageSent'],
		});
		const created = await n8n.createWorkflow(workflow.input);
		await fake.down();

		await n8n.activate(created.id).catch(() => undefined);
		const publication = await n8n.waitForPublication(created.id);

		expect(publication.status).toBe('failed');
		expect(JSON.stringify(publication)).toContain(`EmailEngine is not reachable at ${fake.url}`);
	});

	test('publishing is refused when another URL is registered, naming it', async () => {
		fake.state.settings.webhooks = 'https://crm.example.com/hooks/ee';
		const workflow = emailEngineTriggerWorkflow(await credential(), {
			registration: 'global',
			events: ['messageSent'],
		});
		const created = await n8n.createWorkflow(workflow.input);
		await n8n.activate(created.id).catch(() => undefined);
		const publication = await n8n.waitForPublication(created.id);

		expect(publication.status).toBe('failed');
		expect(JSON.stringify(publication)).toContain(
			'In EmailEngine, the global webhook URL already points at https://crm.example.com/hooks/ee',
		);
		expect(fake.state.settings.webhooks).toBe('https://crm.example.com/hooks/ee');
	});

	test('the credential test tells a wrong URL, a wrong token and a token without permission apart', async () => {
		const narrowed = 'c'.repeat(64);
		fake.state.tokens.push({
			token: narrowed,
			permissions: { actions: ['read'], groups: ['account'] },
		});

		const results: Record<string, unknown> = {};
		for (const [label, data] of Object.entries({
			good: { baseUrl: fake.url, accessToken: FAKE_ROOT_TOKEN },
			wrongUrl: { baseUrl: 'http://127.0.0.1:9', accessToken: FAKE_ROOT_TOKEN },
			wrongToken: { baseUrl: fake.url, accessToken: 'd'.repeat(64) },
			noPermission: { baseUrl: fake.url, accessToken: narrowed },
		})) {
			const stored = await createEmailEngineCredential(n8n, data);
			results[label] = await n8n.rest('POST', '/credentials/test', {
				credentials: { id: stored.id, name: stored.name, type: 'emailEngineApi', data },
			});
		}

		expect(results.good).toEqual(expect.objectContaining({ status: 'OK' }));
		expect(results.wrongUrl).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
		expect(results.wrongToken).toEqual({
			status: 'Error',
			message: expect.stringContaining('EmailEngine rejected the access token'),
		});
		expect(results.noPermission).toEqual({
			status: 'Error',
			message: expect.stringContaining('may not change EmailEngine settings'),
		});
	});
});
