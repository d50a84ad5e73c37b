import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import {
	http,
	nodeOutput,
	packageName,
	startN8n,
	webhookProbeWorkflow,
	type N8nInstance,
} from '../support/n8n';

// Starting a real n8n takes 10-15 s, a queue-mode cluster (PostgreSQL, Redis, 3 processes) ~20 s.
jest.setTimeout(300_000);

interface PackageManifest {
	n8n: { nodes: string[]; credentials: string[] };
}

const manifest = JSON.parse(
	readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as PackageManifest;

/** n8n's convention: `FooBar.node.js` holds class FooBar whose description name is `fooBar`. */
function declaredName(file: string, suffix: string): string {
	const stem = basename(file, suffix);
	return stem.charAt(0).toLowerCase() + stem.slice(1);
}

const expectedNodeTypes = manifest.n8n.nodes.map(
	(file) => `${packageName}.${declaredName(file, '.node.js')}`,
);
const expectedCredentialTypes = manifest.n8n.credentials.map((file) =>
	declaredName(file, '.credentials.js'),
);

async function postProbe(url: string, hello: string) {
	return await http(url, { body: { hello } });
}

describe('a real n8n with the package installed as a community package', () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await startN8n();
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	test('the editor offers every node and credential the package declares', async () => {
		expect(expectedNodeTypes).toContain('n8n-nodes-emailengine.emailEngineTrigger');
		expect(expectedCredentialTypes).toContain('emailEngineApi');

		const nodeTypes = await n8n.nodeTypes();
		const listed = new Set(nodeTypes.map((type) => type.name));
		expect(expectedNodeTypes.filter((name) => !listed.has(name))).toEqual([]);

		const credentials = new Set((await n8n.credentialTypes()).map((type) => type.name));
		expect(expectedCredentialTypes.filter((name) => !credentials.has(name))).toEqual([]);

		const trigger = nodeTypes.find((type) => type.name === `${packageName}.emailEngineTrigger`);
		expect(trigger?.credentials?.map((credential) => credential.name)).toContain('emailEngineApi');
	});

	test('a published webhook workflow runs once per request and stops when unpublished', async () => {
		const workflow = await n8n.createWorkflow(webhookProbeWorkflow('harness-single'));
		const url = n8n.webhookUrl('harness-single');
		await n8n.activate(workflow.id);
		await n8n.waitForWebhook(url);

		const answer = await postProbe(url, 'single');
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ message: 'Workflow was started' });

		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		expect(nodeOutput(execution, 'Set')).toEqual([{ seen: 'single' }]);

		await n8n.deactivate(workflow.id);
		await n8n.waitForWebhook(url, { registered: false });
		const afterUnpublish = await postProbe(url, 'ignored');
		expect(afterUnpublish.status).toBe(404);
		expect(await n8n.listExecutions(workflow.id)).toHaveLength(1);
	});
});

describe('a real n8n in queue mode (main, webhook and worker processes)', () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await startN8n({ mode: 'queue' });
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	test('the webhook process accepts the request and a worker runs the execution', async () => {
		const workflow = await n8n.createWorkflow(webhookProbeWorkflow('harness-queue'));
		const url = n8n.webhookUrl('harness-queue');
		expect(url.startsWith(`${n8n.baseUrl}/`)).toBe(false);
		await n8n.activate(workflow.id);
		await n8n.waitForWebhook(url);

		const answer = await postProbe(url, 'queued');
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ message: 'Workflow was started' });

		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		expect(nodeOutput(execution, 'Set')).toEqual([{ seen: 'queued' }]);
		expect(n8n.logs('worker')).toContain(`Worker finished execution ${execution.id} `);

		// Production webhooks are switched off in main: only the webhook process serves them.
		const onMain = await postProbe(`${n8n.baseUrl}/webhook/harness-queue`, 'main');
		expect(onMain.status).toBe(404);
		expect(await n8n.listExecutions(workflow.id)).toHaveLength(1);
	});
});
