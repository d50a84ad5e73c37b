import { SECRETS_TTL_MS } from '../../nodes/EmailEngineTrigger/credentialCache';
import { FAKE_ROOT_TOKEN } from '../support/fakeEmailEngine/fakeEmailEngine';
import { deliverRaw, replayFixture } from '../support/fakeEmailEngine/replay';
import { CAPTURE_SERVICE_SECRET, fixture, sign, type Capture } from '../support/fixtures';
import { captureLogs, type LogCapture } from '../support/logs';
import { TriggerWorkflow } from '../support/n8nHost';
import { startWebhookHost, type WebhookHost } from '../support/webhookHost';

let host: WebhookHost;
let logs: LogCapture;
let clockOffsetMs = 0;

beforeEach(async () => {
	logs = captureLogs();
	host = await startWebhookHost();
	clockOffsetMs = 0;
	const realNow = Date.now.bind(Date);
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + clockOffsetMs);
});

afterEach(async () => {
	jest.restoreAllMocks();
	await host.stop();
});

function trigger() {
	const workflow = new TriggerWorkflow({
		parameters: { registration: 'manual', events: ['*'] },
		credentials: {
			baseUrl: 'http://127.0.0.1:9',
			accessToken: FAKE_ROOT_TOKEN,
			serviceSecret: CAPTURE_SERVICE_SECRET,
		},
		webhookBaseUrl: host.webhookBaseUrl,
	});
	host.attach(workflow);
	return workflow;
}

/** The capture's bytes and headers, signed with `secret` instead of the capture's secret. */
async function deliverSigned(workflow: TriggerWorkflow, capture: Capture, secret: string) {
	const headers = capture.headerPairs.map(([name, value]): [string, string] =>
		name === 'x-ee-wh-signature' ? [name, sign(capture.bytes, secret)] : [name, value],
	);
	return await deliverRaw(workflow.productionUrl, { headers, body: capture.bytes });
}

describe('EmailEngine Trigger webhook: the service secret read per request', () => {
	it('reads the credential once for a burst of events, not once per request', async () => {
		const workflow = trigger();
		const reads = jest.spyOn(workflow.credentialsHelper, 'getDecrypted');
		const captures = ['messageSent-account-1', 'messageFailed-account-1', 'messageNew-account-1'];
		for (const name of captures) {
			expect((await replayFixture(fixture(name), workflow.productionUrl)).status).toBe(200);
		}
		expect(host.executions).toHaveLength(3);
		expect(reads).toHaveBeenCalledTimes(1);
	});

	it('takes a rotated secret into use within the expiry, rejecting the new signature until then', async () => {
		const workflow = trigger();
		const before = fixture('messageSent-account-1');
		expect((await replayFixture(before, workflow.productionUrl)).status).toBe(200);

		// The user saves the credential with a new secret.
		const stored = jest.spyOn(workflow.credentialsHelper, 'getDecrypted');
		stored.mockResolvedValue({
			baseUrl: 'http://127.0.0.1:9',
			accessToken: FAKE_ROOT_TOKEN,
			serviceSecret: 'rotated-secret',
		});
		const after = fixture('messageFailed-account-1');
		clockOffsetMs = SECRETS_TTL_MS - 100;
		expect((await deliverSigned(workflow, after, 'rotated-secret')).status).toBe(401);
		expect(host.executions).toHaveLength(1);

		clockOffsetMs = SECRETS_TTL_MS + 1;
		expect((await deliverSigned(workflow, after, 'rotated-secret')).status).toBe(200);
		expect(host.executions).toHaveLength(2);
		// The old secret is no longer accepted once the new one is read.
		const retry = fixture('messageNew-account-1');
		expect((await replayFixture(retry, workflow.productionUrl)).status).toBe(401);
		expect(logs.text()).not.toContain('rotated-secret');
		expect(logs.text()).not.toContain(CAPTURE_SERVICE_SECRET);
	});

	it('answers a forged request from the remembered secret too, without reading the credential', async () => {
		const workflow = trigger();
		expect(
			(await replayFixture(fixture('messageSent-account-1'), workflow.productionUrl)).status,
		).toBe(200);
		const reads = jest.spyOn(workflow.credentialsHelper, 'getDecrypted');
		const forged = await deliverSigned(workflow, fixture('messageFailed-account-1'), 'guessed');
		expect(forged.status).toBe(401);
		expect(reads).not.toHaveBeenCalled();
		expect(host.executions).toHaveLength(1);
	});
});
