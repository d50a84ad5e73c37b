import {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	type FakeEmailEngine,
} from '../support/fakeEmailEngine/fakeEmailEngine';
import { CAPTURE_SERVICE_SECRET } from '../support/fixtures';
import { nodeOutput, startN8n, type N8nInstance } from '../support/n8n';
import {
	AFTER_TRIGGER_NODE,
	createEmailEngineCredential,
	emailEngineTriggerWorkflow,
	messageSentData,
	waitUntil,
} from './support/emailEngineWorkflows';

jest.setTimeout(400_000);

const SENT = messageSentData('<scaling-1@example.com>');

/** The fields of an item that do not change from one delivery of the same event to the next. */
function stableFields(item: Record<string, unknown>) {
	const rest = { ...item };
	delete rest.eventId;
	delete rest.occurredAt;
	return rest;
}

async function startFake() {
	return await startFakeEmailEngine({
		settings: { serviceSecret: CAPTURE_SERVICE_SECRET },
		accounts: [{ account: 'bob', email: 'bob@example.com' }],
	});
}

async function publishGlobalTrigger(n8n: N8nInstance, fake: FakeEmailEngine) {
	const credential = await createEmailEngineCredential(n8n, {
		baseUrl: fake.url,
		accessToken: FAKE_ROOT_TOKEN,
		serviceSecret: CAPTURE_SERVICE_SECRET,
	});
	const workflow = emailEngineTriggerWorkflow(credential, {
		registration: 'global',
		events: ['messageSent'],
	});
	const created = await n8n.createWorkflow(workflow.input);
	await n8n.activate(created.id);
	const url = n8n.webhookUrl(workflow.path);
	await n8n.waitForWebhook(url);
	// n8n serves the webhook before the trigger's create() has finished registering it.
	await waitUntil(
		() => fake.state.settings.webhooks === url && fake.state.settings.webhooksEnabled === true,
		`EmailEngine's global webhook URL to be ${url}`,
	);
	return { id: created.id, url };
}

async function sendAndCollect(
	n8n: N8nInstance,
	fake: FakeEmailEngine,
	workflowId: string,
	count: number,
) {
	fake.emit('messageSent', 'bob', SENT);
	await fake.idle({ timeoutMs: 60_000 });
	const executions = await n8n.waitForExecutions(workflowId, count);
	return nodeOutput(executions[executions.length - 1], AFTER_TRIGGER_NODE) as Array<
		Record<string, unknown>
	>;
}

const writes = (fake: FakeEmailEngine) =>
	fake.requests.filter((request) => request.method !== 'GET');

let singleModeItem: Record<string, unknown> | undefined;

describe('EmailEngine Trigger across n8n restarts', () => {
	let n8n: N8nInstance;
	let fake: FakeEmailEngine;

	beforeAll(async () => {
		n8n = await startN8n();
		fake = await startFake();
	});

	afterAll(async () => {
		await n8n?.stop();
		await fake?.stop();
	});

	test('a restart neither duplicates nor loses the registration', async () => {
		const { id, url } = await publishGlobalTrigger(n8n, fake);
		const [first] = await sendAndCollect(n8n, fake, id, 1);
		singleModeItem = first;
		const writesBefore = writes(fake).length;

		await n8n.restart();
		await n8n.waitForWebhook(url);

		expect(fake.state.settings.webhooks).toBe(url);
		expect(writes(fake)).toHaveLength(writesBefore);
		await sendAndCollect(n8n, fake, id, 2);
		expect(await n8n.listExecutions(id)).toHaveLength(2);
	});

	test('with the legacy activation path a restart confirms the registration with checkExists and changes nothing', async () => {
		const { url } = await publishGlobalTrigger(n8n, await resetFake());
		const writesBefore = writes(fake).length;
		const readsBefore = fake.requests.length - writesBefore;

		await n8n.restart({ env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } });
		await n8n.waitForWebhook(url);

		// The legacy path re-adds published workflows after start-up: checkExists reads EmailEngine.
		await waitUntil(
			() => fake.requests.length - writes(fake).length > readsBefore,
			'checkExists to read EmailEngine after the restart',
		);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(writes(fake)).toHaveLength(writesBefore);
		expect(fake.state.settings.webhooks).toBe(url);
	});

	test('with the legacy activation path a registration removed while n8n was down is repaired at start', async () => {
		const { url } = await publishGlobalTrigger(n8n, await resetFake());
		await n8n.restart({ env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true' } });

		fake.state.settings.webhooks = '';
		await n8n.restart({ env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } });
		await n8n.waitForWebhook(url);

		await waitUntil(
			() => fake.state.settings.webhooks === url,
			'the removed registration to be repaired',
		);
		expect(fake.state.settings.webhooksEnabled).toBe(true);
	});

	async function resetFake() {
		for (const workflow of await n8n
			.api<{ data: Array<{ id: string; active: boolean }> }>('GET', '/workflows?active=true')
			.then((page) => page.data)) {
			await n8n.deactivate(workflow.id);
		}
		await fake.stop();
		fake = await startFake();
		return fake;
	}
});

describe('EmailEngine Trigger in queue mode', () => {
	let n8n: N8nInstance;
	let fake: FakeEmailEngine;

	beforeAll(async () => {
		n8n = await startN8n({ mode: 'queue' });
		fake = await startFake();
	});

	afterAll(async () => {
		await n8n?.stop();
		await fake?.stop();
	});

	test('main registers, the webhook process verifies and answers, a worker runs it, as in single mode', async () => {
		const { id, url } = await publishGlobalTrigger(n8n, fake);
		expect(url.startsWith(n8n.webhookBaseUrl)).toBe(true);
		expect(n8n.webhookBaseUrl).not.toBe(n8n.baseUrl);
		expect(fake.state.settings.webhooks).toBe(url);

		const [item] = await sendAndCollect(n8n, fake, id, 1);
		const [execution] = await n8n.listExecutions(id);
		expect(n8n.logs('worker')).toContain(`Worker finished execution ${execution.id} `);
		expect(fake.deliveries.map((attempt) => attempt.status)).toEqual([200]);

		expect(singleModeItem).toBeDefined();
		expect(stableFields(item)).toEqual(stableFields(singleModeItem!));
	});

	test('the webhook process rejects a forged request with 401 and no execution', async () => {
		const { id, url } = await publishGlobalTrigger(n8n, await restartFake());
		fake.state.settings.serviceSecret = 'not-the-secret-n8n-knows';
		fake.emit('messageSent', 'bob', SENT);
		await fake.waitForDeliveries((attempt) => attempt.status === 401);
		fake.state.settings.webhooksEnabled = false;

		expect(await n8n.listExecutions(id)).toHaveLength(0);
		expect(n8n.logs('webhook')).toContain('EmailEngine Trigger rejected a webhook request');
		expect(url).toContain(n8n.webhookBaseUrl);
	});

	async function restartFake() {
		for (const workflow of await n8n
			.api<{ data: Array<{ id: string }> }>('GET', '/workflows?active=true')
			.then((page) => page.data)) {
			await n8n.deactivate(workflow.id);
		}
		await fake.stop();
		fake = await startFake();
		return fake;
	}
});
