import type { IDataObject } from 'n8n-workflow';

import { DELIVERY_LIFECYCLE_EVENTS } from '../../nodes/shared/events';
import { reportFigure } from '../support/badInput/figures';
import {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	type FakeEmailEngine,
	type FakeEmailEngineOptions,
} from '../support/fakeEmailEngine/fakeEmailEngine';
import type { Fault } from '../support/fakeEmailEngine/faults';
import { captureLogs, type LogCapture } from '../support/logs';
import { publish, TriggerWorkflow, unpublish } from '../support/n8nHost';

// One test waits out the transport's 30 s timeout.
jest.setTimeout(120_000);

const SECRET = 'faults-test-service-secret';
const OTHER_URL = 'https://crm.example.com/hooks/ee';

let fake: FakeEmailEngine;
let logs: LogCapture;
let faultsInjected = 0;

async function startFake(options: FakeEmailEngineOptions = {}) {
	fake = await startFakeEmailEngine({
		...options,
		settings: { serviceSecret: SECRET, ...options.settings },
	});
	return fake;
}

function trigger(parameters: IDataObject) {
	return new TriggerWorkflow({
		parameters: { events: [...DELIVERY_LIFECYCLE_EVENTS], ...parameters },
		credentials: { baseUrl: fake.url, accessToken: FAKE_ROOT_TOKEN, serviceSecret: SECRET },
	});
}

/** What EmailEngine delivers where: the part of its state a registration may change. */
function deliveryState() {
	const { webhooks, webhooksEnabled, webhookEvents } = fake.state.settings;
	return {
		webhooks: webhooks ?? '',
		webhooksEnabled: Boolean(webhooksEnabled),
		webhookEvents: webhookEvents ?? [],
		accounts: [...fake.state.accounts.values()].map((account) => [
			account.account,
			account.webhooks ?? '',
		]),
	};
}

function inject(fault: Fault, afterRequests: number, times = 1) {
	faultsInjected++;
	if (afterRequests === 0) fake.setFault(fault, { times });
	else fake.afterRequests(afterRequests, (engine) => engine.setFault(fault, { times }));
}

beforeEach(() => {
	logs = captureLogs();
});

afterEach(async () => {
	await fake?.stop();
});

afterAll(() => {
	reportFigure('registration faults injected', { faults: faultsInjected });
});

// n8n itself retries a request once after a 401, so that fault is answered twice.
const FAULTS: Array<[string, Fault, RegExp, number]> = [
	['500', { kind: 'status', status: 500 }, /with 500/, 1],
	['401', { kind: 'status', status: 401 }, /^EmailEngine rejected the access token \(401\)/, 2],
	['403', { kind: 'status', status: 403 }, /^The access token may not call .* \(403/, 1],
	['404', { kind: 'status', status: 404 }, /\(404\)/, 1],
	[
		'malformed JSON',
		{ kind: 'malformedJson' },
		/^EmailEngine answered .* with a body that is not a JSON object$/,
		1,
	],
	[
		'connection reset',
		{ kind: 'reset' },
		/^EmailEngine is not reachable at .* \((ECONNRESET|EPIPE)\)/,
		1,
	],
];

/**
 * Each REST call of a publish in turn fails in each way. Whatever fails, publishing fails with
 * the documented message and EmailEngine ends exactly as it was: nothing points at a URL that
 * no published workflow receives. Global registration replacing a URL (three calls), and
 * per-account registration over two accounts (five calls).
 */
describe.each([
	[
		'global webhook URL',
		{ registration: 'global', replaceExistingUrl: true },
		{ settings: { webhooks: OTHER_URL } },
	],
	[
		'per-account webhook URLs',
		{ registration: 'account', accounts: ['bob', 'carol'] },
		{ accounts: [{ account: 'bob' }, { account: 'carol', webhooks: '' }] },
	],
] as Array<[string, IDataObject, FakeEmailEngineOptions]>)(
	'publishing to the %s while EmailEngine fails',
	(_name, parameters, options) => {
		const calls: string[] = [];

		beforeAll(async () => {
			await startFake(options);
			await publish(trigger(parameters));
			calls.push(...fake.requests.map((request) => `${request.method} ${request.path}`));
			await fake.stop();
		});

		it('makes the calls the fault matrix walks through', () => {
			expect(calls.length).toBeGreaterThanOrEqual(3);
		});

		it.each(FAULTS)('call by call: %s', async (_label, fault, message, times) => {
			for (let index = 0; index < calls.length; index++) {
				await startFake(options);
				const before = deliveryState();
				inject(fault, index, times);

				const host = trigger(parameters);
				const outcome = await publish(host).then(
					() => null,
					(error: Error) => error,
				);
				const where = `${calls[index]} (call ${index + 1})`;
				expect({ where, failed: outcome !== null }).toEqual({ where, failed: true });
				expect({ where, message: outcome?.message }).toEqual({
					where,
					message: expect.stringMatching(message),
				});
				expect({ where, state: deliveryState() }).toEqual({ where, state: before });
				expect(logs.text()).not.toContain(SECRET);
				expect(logs.text()).not.toContain(FAKE_ROOT_TOKEN);
				await fake.stop();
				logs.clear();
			}
		});
	},
);

describe('registration when EmailEngine does not answer', () => {
	it('fails publishing after the transport timeout, saying EmailEngine did not answer, and changes nothing', async () => {
		await startFake({ settings: { webhooks: OTHER_URL } });
		const before = deliveryState();
		inject({ kind: 'hang' }, 0);

		const started = Date.now();
		await expect(
			publish(trigger({ registration: 'global', replaceExistingUrl: true })),
		).rejects.toMatchObject({
			message: expect.stringMatching(
				/^EmailEngine is not reachable at .* \(ECONNABORTED|ETIMEDOUT\)/,
			),
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(29_000);
		expect(deliveryState()).toEqual(before);
	});
});

describe('registration when a failure leaves a change that cannot be undone', () => {
	it('says in the error and the log that EmailEngine may still point at the URL', async () => {
		await startFake({ accounts: [{ account: 'bob' }, { account: 'carol' }] });
		const host = trigger({ registration: 'account', accounts: ['bob', 'carol'] });
		// GET settings, GET bob, GET carol, PUT bob; then PUT carol fails and EmailEngine goes away.
		fake.afterRequests(4, async (engine) => {
			engine.setFault(
				{ kind: 'status', status: 500 },
				{ route: 'PUT /v1/account/carol', times: 1 },
			);
		});
		fake.afterRequests(5, async (engine) => await engine.down());
		faultsInjected += 2;

		const error = (await publish(host).catch((caught: Error) => caught)) as Error & {
			description?: string;
		};
		expect(error).toBeInstanceOf(Error);
		expect(`${error.message} ${error.description ?? ''}`).toContain(host.productionUrl);
		expect(error.message).toContain('the webhook URL of account "bob"');
		const logged = logs.lines
			.filter((line) => line.level === 'error')
			.map((line) => line.message)
			.join('\n');
		expect(logged).toContain(
			`the webhook URL of account "bob" may still point at ${host.productionUrl}`,
		);
		await fake.up();
		expect(fake.state.accounts.get('bob')?.webhooks).toBe(host.productionUrl);
	});
});

describe('registration with masked answers', () => {
	it('refuses to take over a URL it only sees masked, and writes no mask back', async () => {
		await startFake({ settings: { webhooks: OTHER_URL, webhooksEnabled: true } });
		fake.setFault({ kind: 'maskAll' }, { route: 'GET /v1/settings' });
		faultsInjected++;
		const before = deliveryState();

		await expect(publish(trigger({ registration: 'global' }))).rejects.toMatchObject({
			message: 'In EmailEngine, the global webhook URL already points at ******',
		});
		expect(deliveryState()).toEqual(before);
		const written = JSON.stringify(fake.requests.map((request) => request.body ?? null));
		expect(written).not.toContain('******');
	});

	it('writes nothing when it would have to write masked events back, even told to replace the URL', async () => {
		await startFake({
			settings: { webhooks: OTHER_URL, webhooksEnabled: true, webhookEvents: ['messageNew'] },
		});
		fake.setFault({ kind: 'maskAll' }, { route: 'GET /v1/settings' });
		faultsInjected++;
		const before = deliveryState();
		const host = trigger({ registration: 'global', replaceExistingUrl: true });

		await expect(publish(host)).rejects.toMatchObject({
			message: expect.stringContaining('reports its webhookEvents masked'),
		});
		expect(await unpublish(host)).toBe(true);

		expect(fake.requests.filter((request) => request.method !== 'GET')).toEqual([]);
		expect(deliveryState()).toEqual(before);
	});

	it('refuses an account whose URL it only sees masked', async () => {
		await startFake({ accounts: [{ account: 'bob', webhooks: OTHER_URL }] });
		fake.setFault({ kind: 'maskAll' }, { route: 'GET /v1/account/{account}' });
		faultsInjected++;
		await expect(
			publish(trigger({ registration: 'account', accounts: ['bob'] })),
		).rejects.toMatchObject({
			message: 'In EmailEngine, the webhook URL of account "bob" already points at ******',
		});
		expect(fake.state.accounts.get('bob')?.webhooks).toBe(OTHER_URL);
	});
});

describe('registration when EmailEngine changes between two calls', () => {
	it('refuses in create when another URL appeared after checkExists looked', async () => {
		await startFake({ settings: { webhooks: '' } });
		const host = trigger({ registration: 'global' });
		await publish(host);
		fake.state.settings.webhooksEnabled = false;
		const requestsSoFar = fake.requests.length;

		// checkExists reads the settings (webhooks off: repair needed), then someone else
		// points the URL elsewhere before create reads it.
		fake.afterRequests(1, (engine) => {
			engine.state.settings.webhooks = OTHER_URL;
		});
		faultsInjected++;
		await expect(publish(host)).rejects.toMatchObject({
			message: `In EmailEngine, the global webhook URL already points at ${OTHER_URL}`,
		});
		expect(fake.requests.length).toBeGreaterThan(requestsSoFar);
		expect(fake.state.settings.webhooks).toBe(OTHER_URL);
	});

	it('logs what it replaced when the URL changed between its read and its write', async () => {
		// EmailEngine has no compare-and-set: a URL set between the read and the write is
		// overwritten. The trigger cannot see it; what it can do is restore what it read.
		await startFake();
		const host = trigger({ registration: 'global' });
		fake.afterRequests(1, (engine) => {
			engine.state.settings.webhooks = OTHER_URL;
		});
		faultsInjected++;
		await publish(host);
		expect(fake.state.settings.webhooks).toBe(host.productionUrl);
		await unpublish(host);
		expect(fake.state.settings.webhooks).toBe('');
	});
});

describe('two workflows that want the same registration', () => {
	it('refuses the second per-account trigger, naming the first workflow, and changes nothing', async () => {
		await startFake({
			accounts: [
				{ account: 'bob', webhooks: '' },
				{ account: 'carol', webhooks: '' },
			],
		});
		const first = trigger({ registration: 'account', accounts: ['bob'] });
		await publish(first);
		const before = deliveryState();

		const second = trigger({ registration: 'account', accounts: ['carol', 'bob'] });
		await expect(publish(second)).rejects.toMatchObject({
			message: `In EmailEngine, the webhook URL of account "bob" already points at ${first.productionUrl} (another workflow on this n8n instance)`,
		});
		expect(deliveryState()).toEqual(before);

		// The first one still owns and undoes its registration.
		expect(await unpublish(first)).toBe(true);
		expect(fake.state.accounts.get('bob')?.webhooks).toBe('');
	});

	it('refuses a per-account trigger where a global trigger of the same n8n owns nothing of the account', async () => {
		await startFake({ accounts: [{ account: 'bob', webhooks: '' }] });
		const global = trigger({ registration: 'global' });
		await publish(global);
		const perAccount = trigger({ registration: 'account', accounts: ['bob'] });
		await publish(perAccount);

		// Both publish: they own different settings, and each undoes only its own.
		expect(fake.state.settings.webhooks).toBe(global.productionUrl);
		expect(fake.state.accounts.get('bob')?.webhooks).toBe(perAccount.productionUrl);
		await unpublish(perAccount);
		expect(fake.state.settings.webhooks).toBe(global.productionUrl);
		expect(fake.state.settings.webhooksEnabled).toBe(true);
	});
});
