import type { IDataObject } from 'n8n-workflow';

import { DELIVERY_LIFECYCLE_EVENTS } from '../../nodes/shared/events';
import {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	type FakeEmailEngine,
	type FakeEmailEngineOptions,
} from '../support/fakeEmailEngine/fakeEmailEngine';
import { captureLogs, type LogCapture } from '../support/logs';
import {
	listenForTestEvent,
	publish,
	TriggerWorkflow,
	unpublish,
	type CredentialValues,
} from '../support/n8nHost';

const SECRET = 'trigger-test-service-secret';

let fake: FakeEmailEngine;
let logs: LogCapture;

async function startFake(options: FakeEmailEngineOptions = {}) {
	fake = await startFakeEmailEngine({
		...options,
		settings: { serviceSecret: SECRET, ...options.settings },
	});
	return fake;
}

function credentials(overrides: Partial<CredentialValues> = {}): CredentialValues {
	return { baseUrl: fake.url, accessToken: FAKE_ROOT_TOKEN, serviceSecret: SECRET, ...overrides };
}

function triggerWorkflow(parameters: IDataObject, overrides: Partial<CredentialValues> = {}) {
	return new TriggerWorkflow({
		parameters: { events: [...DELIVERY_LIFECYCLE_EVENTS], ...parameters },
		credentials: credentials(overrides),
	});
}

function settings() {
	return fake.state.settings as Record<string, unknown>;
}

function writes() {
	return fake.requests.filter((request) => request.method !== 'GET');
}

beforeEach(() => {
	logs = captureLogs();
});

afterEach(async () => {
	await fake?.stop();
});

describe('EmailEngine Trigger registration: global webhook URL', () => {
	it('points the global URL at the production URL, enables webhooks and adds the events', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' });

		await publish(host);

		expect(settings().webhooks).toBe(host.productionUrl);
		expect(settings().webhooksEnabled).toBe(true);
		expect(settings().webhookEvents).toEqual(DELIVERY_LIFECYCLE_EVENTS);
	});

	it('puts everything back as it was on unpublish', async () => {
		await startFake();
		const before = { ...settings() };
		const host = triggerWorkflow({ registration: 'global' });

		await publish(host);
		expect(await unpublish(host)).toBe(true);

		expect(settings().webhooks ?? '').toBe(before.webhooks ?? '');
		expect(Boolean(settings().webhooksEnabled)).toBe(Boolean(before.webhooksEnabled));
		expect(settings().webhookEvents ?? []).toEqual(before.webhookEvents ?? []);
	});
});

describe('EmailEngine Trigger registration: what is already configured', () => {
	it('refuses to replace a global URL it did not set, naming the URL and the option', async () => {
		await startFake({
			settings: { webhooks: 'https://crm.example.com/hooks/ee', webhooksEnabled: true },
		});
		const host = triggerWorkflow({ registration: 'global' });

		await expect(publish(host)).rejects.toMatchObject({
			message:
				'In EmailEngine, the global webhook URL already points at https://crm.example.com/hooks/ee',
			description: expect.stringContaining('Replace Existing Webhook URL'),
		});
		expect(settings().webhooks).toBe('https://crm.example.com/hooks/ee');
		expect(writes()).toEqual([]);
	});

	it('says when the URL belongs to another workflow on the same n8n', async () => {
		await startFake();
		const first = triggerWorkflow({ registration: 'global' });
		await publish(first);

		const second = triggerWorkflow({ registration: 'global' });
		await expect(publish(second)).rejects.toMatchObject({
			message: `In EmailEngine, the global webhook URL already points at ${first.productionUrl} (another workflow on this n8n instance)`,
		});
		expect(settings().webhooks).toBe(first.productionUrl);
	});

	it('replaces a URL when told to, and puts it back on unpublish', async () => {
		await startFake({
			settings: { webhooks: 'https://crm.example.com/hooks/ee', webhooksEnabled: true },
		});
		const host = triggerWorkflow({ registration: 'global', replaceExistingUrl: true });

		await publish(host);
		expect(settings().webhooks).toBe(host.productionUrl);
		expect(logs.text()).toContain('replaced the global webhook URL');

		await unpublish(host);
		expect(settings().webhooks).toBe('https://crm.example.com/hooks/ee');
		expect(settings().webhooksEnabled).toBe(true);
	});

	it('never writes back a URL whose credentials EmailEngine masks; it clears it and says so', async () => {
		const secretUrl = 'https://n8n-user:hunter2@crm.example.com/hooks/ee';
		await startFake({ settings: { webhooks: secretUrl, webhooksEnabled: true } });
		const host = triggerWorkflow({ registration: 'global', replaceExistingUrl: true });

		await publish(host);
		await unpublish(host);

		expect(settings().webhooks).toBe('');
		const posted = JSON.stringify(writes().map((request) => request.body));
		expect(posted).not.toContain('******');
		expect(
			logs.lines.some((line) => line.level === 'warn' && line.message.includes('masked')),
		).toBe(true);
		expect(logs.text()).not.toContain('hunter2');
	});

	it('adds only the missing events and removes only those on unpublish', async () => {
		await startFake({
			settings: { webhooksEnabled: true, webhookEvents: ['messageNew', 'messageSent'] },
		});
		const host = triggerWorkflow({ registration: 'global' });

		await publish(host);
		expect(settings().webhookEvents).toEqual([
			'messageNew',
			'messageSent',
			...DELIVERY_LIFECYCLE_EVENTS.filter((event) => event !== 'messageSent'),
		]);

		await unpublish(host);
		expect(settings().webhookEvents).toEqual(['messageNew', 'messageSent']);
		expect(settings().webhooksEnabled).toBe(true);
	});

	it('adds nothing when EmailEngine already sends every event', async () => {
		await startFake({ settings: { webhooksEnabled: true, webhookEvents: ['*'] } });
		const host = triggerWorkflow({ registration: 'global' });

		await publish(host);
		await unpublish(host);

		expect(settings().webhookEvents).toEqual(['*']);
		expect(writes().map((request) => request.body)).toEqual([
			{ webhooks: host.productionUrl },
			{ webhooks: '' },
		]);
	});

	it('asks EmailEngine for every event type when "All Events" is chosen', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global', events: ['*'] });
		await publish(host);
		expect(settings().webhookEvents).toEqual(['*']);
	});
});

describe('EmailEngine Trigger registration: per-account webhook URLs', () => {
	const accounts = [
		{ account: 'bob', email: 'bob@example.com' },
		{ account: 'carol', email: 'carol@example.com', webhooks: '' },
	];

	it('sets and restores the webhook URL of each chosen account', async () => {
		await startFake({ accounts });
		const host = triggerWorkflow({ registration: 'account', accounts: ['bob', 'carol'] });

		await publish(host);
		expect(fake.state.accounts.get('bob')?.webhooks).toBe(host.productionUrl);
		expect(fake.state.accounts.get('carol')?.webhooks).toBe(host.productionUrl);
		expect(settings().webhooks ?? '').toBe('');
		expect(settings().webhooksEnabled).toBe(true);

		await unpublish(host);
		expect(fake.state.accounts.get('bob')?.webhooks ?? '').toBe('');
		expect(fake.state.accounts.get('carol')?.webhooks ?? '').toBe('');
		expect(Boolean(settings().webhooksEnabled)).toBe(false);
	});

	it('accepts account ids typed as a comma-separated expression result', async () => {
		await startFake({ accounts });
		const host = triggerWorkflow({ registration: 'account', accounts: 'bob, carol' as never });
		await publish(host);
		expect(fake.state.accounts.get('carol')?.webhooks).toBe(host.productionUrl);
	});

	it('fails on an unknown account before changing anything', async () => {
		await startFake({ accounts });
		const host = triggerWorkflow({ registration: 'account', accounts: ['bob', 'nobody'] });

		await expect(publish(host)).rejects.toMatchObject({
			message: 'EmailEngine has no account "nobody" (404)',
		});
		expect(writes()).toEqual([]);
		expect(fake.state.accounts.get('bob')?.webhooks ?? '').toBe('');
	});

	it('refuses an account whose URL points elsewhere, and leaves the other accounts untouched', async () => {
		await startFake({
			accounts: [...accounts, { account: 'dave', webhooks: 'https://other.example.com/ee' }],
		});
		const host = triggerWorkflow({ registration: 'account', accounts: ['bob', 'dave'] });

		await expect(publish(host)).rejects.toMatchObject({
			message:
				'In EmailEngine, the webhook URL of account "dave" already points at https://other.example.com/ee',
		});
		expect(fake.state.accounts.get('bob')?.webhooks ?? '').toBe('');
	});

	it('requires a list of accounts', async () => {
		await startFake({ accounts });
		const host = triggerWorkflow({ registration: 'account', accounts: [] });
		await expect(publish(host)).rejects.toMatchObject({
			message: 'Choose the accounts whose webhook URL this trigger should use',
		});
	});
});

describe('EmailEngine Trigger registration: checkExists', () => {
	it('confirms an intact registration against EmailEngine', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' });
		await publish(host);

		const { EmailEngineTrigger } = await import(
			'../../nodes/EmailEngineTrigger/EmailEngineTrigger.node'
		);
		const exists = await new EmailEngineTrigger().webhookMethods.default.checkExists.call(
			host.hookContext('trigger', 'init'),
		);
		expect(exists).toBe(true);
	});

	it('repairs a registration that was removed in EmailEngine on the next publish', async () => {
		await startFake({ settings: { webhooks: 'https://crm.example.com/ee' } });
		const host = triggerWorkflow({ registration: 'global', replaceExistingUrl: true });
		await publish(host);

		fake.state.settings.webhooks = '';
		fake.state.settings.webhooksEnabled = false;
		await publish(host);
		expect(settings().webhooks).toBe(host.productionUrl);
		expect(settings().webhooksEnabled).toBe(true);

		// The URL it replaced the first time is still the one it puts back.
		await unpublish(host);
		expect(settings().webhooks).toBe('https://crm.example.com/ee');
	});

	it('does not trust its memory when someone else took the URL over', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' });
		await publish(host);

		fake.state.settings.webhooks = 'https://someone-else.example.com/ee';
		await expect(publish(host)).rejects.toMatchObject({
			message:
				'In EmailEngine, the global webhook URL already points at https://someone-else.example.com/ee',
		});

		await unpublish(host);
		expect(settings().webhooks).toBe('https://someone-else.example.com/ee');
		expect(logs.text()).toContain('no longer points at this workflow');
	});

	it('re-adds an event that was removed from webhookEvents', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' });
		await publish(host);

		fake.state.settings.webhookEvents = ['messageSent'];
		await publish(host);
		expect(settings().webhookEvents).toEqual(expect.arrayContaining(DELIVERY_LIFECYCLE_EVENTS));
	});
});

describe('EmailEngine Trigger registration: when EmailEngine cannot be used', () => {
	it('fails publishing with what to check when EmailEngine is down', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' });
		await fake.down();

		await expect(publish(host)).rejects.toMatchObject({
			message: `EmailEngine is not reachable at ${fake.url} (ECONNREFUSED)`,
			description: expect.stringContaining('Check the Base URL'),
		});
	});

	it('fails publishing when the token is rejected', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' }, { accessToken: 'f'.repeat(64) });
		await expect(publish(host)).rejects.toMatchObject({
			message: 'EmailEngine rejected the access token (401)',
			httpCode: '401',
		});
	});

	it('fails publishing when the token may not change settings', async () => {
		const narrowed = 'b'.repeat(64);
		await startFake({
			tokens: [
				{ token: FAKE_ROOT_TOKEN },
				{ token: narrowed, permissions: { actions: ['read', 'write'], groups: ['account'] } },
			],
		});
		const host = triggerWorkflow({ registration: 'global' }, { accessToken: narrowed });
		await expect(publish(host)).rejects.toMatchObject({
			message: expect.stringMatching(/^The access token may not call GET \/v1\/settings \(403/),
			description: expect.stringContaining('"*" scope'),
		});
	});

	it('undoes what it already changed when a later step fails', async () => {
		await startFake({ accounts: [{ account: 'bob' }, { account: 'carol' }] });
		const host = triggerWorkflow({ registration: 'account', accounts: ['bob', 'carol'] });
		fake.setFault({ kind: 'status', status: 500 }, { route: 'PUT /v1/account/carol', times: 1 });

		await expect(publish(host)).rejects.toMatchObject({ httpCode: '500' });
		expect(fake.state.accounts.get('bob')?.webhooks ?? '').toBe('');
	});

	it('completes unpublishing while EmailEngine is down and logs what is left', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' });
		await publish(host);
		await fake.down();

		expect(await unpublish(host)).toBe(false);
		const warning = logs.lines.find((line) => line.level === 'warn');
		expect(warning?.message).toContain('could not undo its registration');
		expect(warning?.message).toContain(host.productionUrl);

		// Once EmailEngine is back, the next unpublish finishes the job.
		await fake.up();
		expect(await unpublish(host)).toBe(true);
		expect(settings().webhooks).toBe('');
	});
});

describe('EmailEngine Trigger registration: signing secret', () => {
	it('refuses to publish without a signing secret', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'manual' }, { serviceSecret: '' });
		await expect(publish(host)).rejects.toMatchObject({
			message: expect.stringContaining('has no Webhook Signing Secret'),
			description: expect.stringContaining('Accept Unsigned Events'),
		});
	});

	it('publishes without a secret when unsigned events are explicitly accepted', async () => {
		await startFake();
		const host = triggerWorkflow(
			{ registration: 'global', options: { acceptUnsigned: true } },
			{ serviceSecret: '' },
		);
		await publish(host);
		expect(settings().webhooks).toBe(host.productionUrl);
	});
});

describe('EmailEngine Trigger registration: manual', () => {
	it('registers nothing and changes nothing in EmailEngine', async () => {
		await startFake({ settings: { webhooks: 'https://crm.example.com/ee' } });
		const host = triggerWorkflow({ registration: 'manual' });

		await publish(host);
		await unpublish(host);

		expect(fake.requests).toEqual([]);
	});
});

describe('EmailEngine Trigger registration: listening for a test event', () => {
	it('never diverts a published workflow: it registers nothing while the URL is in use', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' });
		await publish(host);

		const listening = await listenForTestEvent(host);
		expect(settings().webhooks).toBe(host.productionUrl);
		await listening.stop();

		expect(settings().webhooks).toBe(host.productionUrl);
		expect(settings().webhooksEnabled).toBe(true);
		expect(settings().webhookEvents).toEqual(DELIVERY_LIFECYCLE_EVENTS);
	});

	it('registers the test URL while listening when the URL is free, and removes it afterwards', async () => {
		await startFake();
		const host = triggerWorkflow({ registration: 'global' });

		const listening = await listenForTestEvent(host);
		expect(settings().webhooks).toBe(host.testUrl);
		await listening.stop();

		expect(settings().webhooks).toBe('');
		expect(Boolean(settings().webhooksEnabled)).toBe(false);
		expect(settings().webhookEvents ?? []).toEqual([]);
	});

	it('leaves the production registration intact when the workflow is unpublished after a test', async () => {
		await startFake({ settings: { webhooks: 'https://crm.example.com/ee' } });
		const host = triggerWorkflow({ registration: 'global', replaceExistingUrl: true });
		await publish(host);
		const listening = await listenForTestEvent(host);
		await listening.stop();

		await unpublish(host);
		expect(settings().webhooks).toBe('https://crm.example.com/ee');
	});
});
