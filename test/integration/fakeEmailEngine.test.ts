import {
	CAPTURE_SERVICE_SECRET,
	fixture,
	fixtureJson,
	loadFixtures,
	sign,
	type Capture,
} from '../support/fixtures';
import {
	FAKE_ROOT_TOKEN,
	replayFixture,
	startFakeEmailEngine,
	startWebhookReceiver,
	USER_AGENT,
	type FakeEmailEngine,
	type FakeEmailEngineOptions,
	type ReceivedRequest,
	type WebhookReceiver,
} from '../support/fakeEmailEngine';

interface Envelope {
	serviceUrl: string | null;
	account: string;
	date: string;
	event: string;
	data: Record<string, unknown>;
}

let fake: FakeEmailEngine | undefined;
let receiver: WebhookReceiver | undefined;
let second: WebhookReceiver | undefined;

afterEach(async () => {
	await fake?.stop();
	await receiver?.stop();
	await second?.stop();
	fake = receiver = second = undefined;
});

async function api(
	method: string,
	path: string,
	body?: unknown,
	token: string | null = FAKE_ROOT_TOKEN,
	headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
	const response = await fetch(`${fake?.url}${path}`, {
		method,
		headers: {
			...(token ? { authorization: `Bearer ${token}` } : {}),
			...(body !== undefined ? { 'content-type': 'application/json' } : {}),
			...headers,
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A fake configured like the capture run: signed with the capture secret, every event on. */
async function captureLikeFake(
	webhooks: string,
	overrides: FakeEmailEngineOptions = {},
): Promise<FakeEmailEngine> {
	fake = await startFakeEmailEngine({
		...overrides,
		settings: {
			webhooksEnabled: true,
			webhooks,
			webhookEvents: ['*'],
			serviceSecret: CAPTURE_SERVICE_SECRET,
			serviceUrl: 'http://127.0.0.1:3000',
			...overrides.settings,
		},
		accounts: overrides.accounts ?? [
			{ account: 'alice', name: 'Alice', email: 'alice@example.com' },
			{
				account: 'bob',
				name: 'Bob',
				email: 'bob@example.com',
				webhooks: '',
			},
		],
	});
	return fake;
}

function names(pairs: Array<[string, string]>): string[] {
	return pairs.map(([name]) => name);
}

function header(request: ReceivedRequest, name: string): string | undefined {
	return request.rawHeaders.find(([candidate]) => candidate === name)?.[1];
}

function bodyOf(request: ReceivedRequest): Envelope {
	return JSON.parse(request.body.toString('utf8')) as Envelope;
}

function keyPaths(value: unknown, prefix = ''): string[] {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
	return Object.entries(value).flatMap(([key, entry]) => [
		`${prefix}${key}`,
		...keyPaths(entry, `${prefix}${key}.`),
	]);
}

async function submit(
	to: string,
	extra: Record<string, unknown> = {},
	account = 'alice',
): Promise<Record<string, unknown>> {
	const { status, json } = await api('POST', `/v1/account/${account}/submit`, {
		to: [{ address: to }],
		subject: 'Hello',
		text: 'Hello there',
		...extra,
	});
	expect(status).toBe(200);
	return json;
}

describe('capture replay', () => {
	it('delivers a replayed capture to a loopback receiver with identical bytes and headers', async () => {
		receiver = await startWebhookReceiver();
		const capture = fixture('messageSent-global-1');

		const result = await replayFixture(capture, `${receiver.url}${capture.url}`);

		expect(result.status).toBe(200);
		const [received] = receiver.requests;
		expect(received.method).toBe('POST');
		expect(received.url).toBe('/global');
		expect(received.rawHeaders).toEqual(capture.headerPairs);
		expect(received.body.equals(capture.bytes)).toBe(true);
		expect(sign(received.body, CAPTURE_SERVICE_SECRET)).toBe(header(received, 'x-ee-wh-signature'));
	});

	it('replays every capture byte for byte, and every capture signature verifies', async () => {
		receiver = await startWebhookReceiver();
		const captures = loadFixtures();
		expect(captures.length).toBeGreaterThan(100);
		for (const capture of captures) {
			await replayFixture(capture, `${receiver.url}${capture.url}`);
		}
		receiver.requests.forEach((received, index) => {
			const capture: Capture = captures[index];
			expect(received.rawHeaders).toEqual(capture.headerPairs);
			expect(received.body.equals(capture.bytes)).toBe(true);
			expect(sign(received.body, CAPTURE_SERVICE_SECRET)).toBe(
				capture.headers['x-ee-wh-signature'],
			);
		});
	});

	it('can point the host header at the new target', async () => {
		receiver = await startWebhookReceiver();
		const capture = fixture('accountAdded-global-1');
		await replayFixture(capture, `${receiver.url}/x`, { rewriteHost: true });
		expect(header(receiver.requests[0], 'host')).toBe(new URL(receiver.url).host);
	});
});

describe('emitted webhooks look like the captures', () => {
	it('sends messageSent with the captured header order, envelope shape and a valid signature', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake(`${receiver.url}/global`);
		const capture = fixture('messageSent-global-1');

		const queued = await submit('okrcpt@example.net');
		const [received] = await receiver.waitFor(1);

		expect(names(received.rawHeaders)).toEqual(names(capture.headerPairs));
		expect(header(received, 'user-agent')).toBe(USER_AGENT);
		for (const name of [
			'connection',
			'content-type',
			'accept',
			'accept-language',
			'sec-fetch-mode',
		]) {
			expect(header(received, name)).toBe(capture.headers[name]);
		}
		expect(header(received, 'accept-encoding')).toBe(capture.headers['accept-encoding']);
		expect(header(received, 'x-ee-wh-attempts-made')).toBe('0');
		expect(header(received, 'x-ee-wh-queued-time')).toBe('0s');
		expect(header(received, 'x-ee-wh-event-id')).toMatch(/^[0-9a-f-]{36}$/);
		expect(header(received, 'content-length')).toBe(String(received.body.length));
		expect(sign(received.body, CAPTURE_SERVICE_SECRET)).toBe(header(received, 'x-ee-wh-signature'));

		const body = bodyOf(received);
		expect(keyPaths(body)).toEqual(keyPaths(fixtureJson(capture)));
		expect(body.serviceUrl).toBe('http://127.0.0.1:3000');
		expect(body).not.toHaveProperty('eventId');
		expect(body.data.queueId).toBe(queued.queueId);
		expect(body.data.messageId).toBe(queued.messageId);
		expect(body.data.response).toMatch(/^250 OK: queued as [0-9A-F]{12}$/);
		expect(body.data.envelope).toEqual({ from: 'alice@example.com', to: ['okrcpt@example.net'] });
	});

	it('puts account custom headers where the capture has them and uses the account URL', async () => {
		receiver = await startWebhookReceiver();
		second = await startWebhookReceiver();
		await captureLikeFake(`${second.url}/global`, {
			accounts: [
				{
					account: 'bob',
					email: 'bob@example.com',
					webhooks: `${receiver.url}/account/bob`,
					webhooksCustomHeaders: [{ key: 'X-Account-Hdr', value: 'bob-custom' }],
				},
			],
		});
		const capture = fixture('messageSent-account-1');

		await submit('okrcpt@example.net', {}, 'bob');
		const [received] = await receiver.waitFor(1);

		expect(received.url).toBe('/account/bob');
		expect(names(received.rawHeaders)).toEqual(names(capture.headerPairs));
		expect(header(received, 'x-account-hdr')).toBe('bob-custom');
		expect(second.requests).toHaveLength(0);
	});

	it('reports an Outlook Message-ID rewrite the way the capture does', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake(`${receiver.url}/global`);
		const capture = fixtureJson<Envelope>(fixture('messageSent-global-2'));

		const queued = await submit('outlook-user@example.net');
		const body = bodyOf((await receiver.waitFor(1))[0]);

		expect(keyPaths(body)).toEqual(keyPaths(capture));
		expect(body.data.originalMessageId).toBe(queued.messageId);
		expect(body.data.messageId).toMatch(
			/^<[0-9A-F-]{36}@DM6PR11MB1234\.namprd11\.prod\.outlook\.com>$/,
		);
		expect(body.data.response).toBe(
			`250 2.0.0 OK ${String(body.data.messageId)} [Hostname=DM6PR11MB1234.namprd11.prod.outlook.com]`,
		);
	});

	it('sends a delivery error per 451 attempt and messageFailed after the last, as captured', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake(`${receiver.url}/global`);
		const first = fixtureJson<Envelope>(fixture('messageDeliveryError-global-1'));
		const last = fixtureJson<Envelope>(fixture('messageDeliveryError-global-3'));
		const failed = fixtureJson<Envelope>(fixture('messageFailed-global-2'));

		const queued = await submit('tempfail@example.net', { deliveryAttempts: 2 });
		const bodies = (await receiver.waitFor(3)).map(bodyOf);

		expect(bodies.map((body) => body.event)).toEqual([
			'messageDeliveryError',
			'messageDeliveryError',
			'messageFailed',
		]);
		expect(keyPaths(bodies[0])).toEqual(keyPaths(first));
		expect(keyPaths(bodies[2])).toEqual(keyPaths(failed));
		for (const key of ['error', 'errorCode', 'smtpResponse', 'smtpResponseCode', 'smtpCommand']) {
			expect(bodies[0].data[key]).toEqual(first.data[key]);
		}
		expect(bodies[0].data.job).toMatchObject({ id: queued.queueId, attemptsMade: 0, attempts: 2 });
		expect(typeof (bodies[0].data.job as { nextAttempt: unknown }).nextAttempt).toBe('string');
		expect(bodies[1].data.job).toEqual({ ...(last.data.job as object), id: queued.queueId });
		expect(bodies[2].data.error).toBe(failed.data.error);
		expect(bodies[2].data.queueId).toBe(queued.queueId);
	});

	it('fails a 550 at once: one delivery error still showing a next attempt, then messageFailed', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake(`${receiver.url}/global`);
		const captured = fixtureJson<Envelope>(fixture('messageDeliveryError-global-2'));
		const failed = fixtureJson<Envelope>(fixture('messageFailed-global-1'));

		await submit('permfail@example.net');
		const bodies = (await receiver.waitFor(2)).map(bodyOf);
		await fake?.idle();

		expect(receiver.requests).toHaveLength(2);
		expect(bodies[0].data.error).toBe(captured.data.error);
		expect(bodies[0].data.job).toMatchObject({ attemptsMade: 0, attempts: 10 });
		expect(typeof (bodies[0].data.job as { nextAttempt: unknown }).nextAttempt).toBe('string');
		expect(bodies[1].event).toBe('messageFailed');
		expect(bodies[1].data.error).toBe(failed.data.error);
	});

	it('delivers to a matching webhook route first, with the same event id as the main job', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake(`${receiver.url}/global`, {
			accounts: [{ account: 'carol', email: 'carol@example.com' }],
			webhookRoutes: [
				{
					id: 'AAABoj0B8IAAAAAB',
					targetUrl: `${receiver.url}/route/carol`,
					customHeaders: [{ key: 'X-Route-Test', value: 'carol-route' }],
					filter: (payload) => payload.account === 'carol',
				},
			],
		});
		const routeCapture = fixture('accountAdded-route-1');

		fake?.emit('accountAdded', 'carol', { account: 'carol' });
		const [route, main] = await receiver.waitFor(2);

		expect(route.url).toBe('/route/carol');
		expect(names(route.rawHeaders)).toEqual(names(routeCapture.headerPairs));
		expect(header(route, 'x-ee-wh-custom-route')).toBe('AAABoj0B8IAAAAAB');
		expect(header(route, 'x-route-test')).toBe('carol-route');
		expect(main.url).toBe('/global');
		expect(header(main, 'x-ee-wh-event-id')).toBe(header(route, 'x-ee-wh-event-id'));
		expect(Number(header(main, 'x-ee-wh-id'))).toBe(Number(header(route, 'x-ee-wh-id')) + 1);
		expect(route.body.equals(main.body)).toBe(true);
	});

	it('sends a mapped route the map output, signed, without an event id header', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake('', {
			accounts: [{ account: 'dave', email: 'dave@example.com' }],
			webhookRoutes: [
				{
					id: 'AAABoj0B8l8AAAAC',
					targetUrl: `${receiver.url}/route/dave-mapped`,
					filter: (payload) => payload.account === 'dave',
					map: (payload) => ({ kind: payload.event, who: payload.account, at: payload.date }),
				},
			],
		});
		const capture = fixture('accountAdded-route-mapped-1');

		fake?.emit('accountAdded', 'dave', { account: 'dave' });
		const [received] = await receiver.waitFor(1);

		expect(names(received.rawHeaders)).toEqual(names(capture.headerPairs));
		expect(header(received, 'x-ee-wh-event-id')).toBeUndefined();
		expect(Object.keys(bodyOf(received))).toEqual(['kind', 'who', 'at']);
		expect(sign(received.body, CAPTURE_SERVICE_SECRET)).toBe(header(received, 'x-ee-wh-signature'));
	});

	it('sends Basic auth from URL credentials and strips them from the request URL', async () => {
		receiver = await startWebhookReceiver();
		const target = new URL(receiver.url);
		await captureLikeFake(`http://hook:s3cret@${target.host}/basic`);

		fake?.emit('accountAdded', 'alice', { account: 'alice' });
		const [received] = await receiver.waitFor(1);

		expect(received.url).toBe('/basic');
		expect(header(received, 'authorization')).toBe(
			`Basic ${Buffer.from('hook:s3cret').toString('base64')}`,
		);
		expect(names(received.rawHeaders).indexOf('authorization')).toBe(
			names(received.rawHeaders).indexOf('x-ee-wh-queued-time') + 1,
		);
	});
});

describe('webhook retries', () => {
	it('retries a failing receiver with the same job id and event id, counting attempts', async () => {
		receiver = await startWebhookReceiver((_request, index) => (index < 2 ? 500 : 200));
		await captureLikeFake(`${receiver.url}/global`);

		fake?.emit('accountAdded', 'alice', { account: 'alice' });
		const tries = await receiver.waitFor(3);
		await fake?.idle();

		expect(tries.map((request) => header(request, 'x-ee-wh-attempts-made'))).toEqual([
			'0',
			'1',
			'2',
		]);
		expect(new Set(tries.map((request) => header(request, 'x-ee-wh-id'))).size).toBe(1);
		expect(new Set(tries.map((request) => header(request, 'x-ee-wh-event-id'))).size).toBe(1);
		expect(new Set(tries.map((request) => header(request, 'x-ee-wh-signature'))).size).toBe(1);
		expect(fake?.deliveries.map((attempt) => attempt.outcome)).toEqual([
			'retry',
			'retry',
			'delivered',
		]);
	});

	it('looks the target URL up again on every try, like the account-after500 capture', async () => {
		receiver = await startWebhookReceiver(500);
		second = await startWebhookReceiver(200);
		await captureLikeFake('', {
			accounts: [{ account: 'retry500', webhooks: `${receiver.url}/fail500/retry500` }],
			webhook: { backoffMs: 40 },
		});

		fake?.emit('accountAdded', 'retry500', { account: 'retry500' });
		const [failedTry] = await receiver.waitFor(1);
		const account = fake?.state.accounts.get('retry500');
		if (account) account.webhooks = `${second.url}/account/retry500-recovered`;
		const [recovered] = await second.waitFor(1);

		expect(header(recovered, 'x-ee-wh-id')).toBe(header(failedTry, 'x-ee-wh-id'));
		expect(header(recovered, 'x-ee-wh-event-id')).toBe(header(failedTry, 'x-ee-wh-event-id'));
		expect(Number(header(recovered, 'x-ee-wh-attempts-made'))).toBeGreaterThanOrEqual(1);
	});

	it('gives up after the configured attempts and treats a hanging receiver as a timeout', async () => {
		receiver = await startWebhookReceiver('hang');
		await captureLikeFake(`${receiver.url}/hang`, { webhook: { attempts: 3, timeoutMs: 100 } });

		fake?.emit('accountAdded', 'alice', { account: 'alice' });
		await fake?.idle();

		expect(receiver.requests).toHaveLength(3);
		expect(fake?.deliveries.map((attempt) => [attempt.error, attempt.outcome])).toEqual([
			['ETIMEDOUT', 'retry'],
			['ETIMEDOUT', 'retry'],
			['ETIMEDOUT', 'failed'],
		]);
	});

	it('fails a redirect at once without retrying', async () => {
		receiver = await startWebhookReceiver(302);
		await captureLikeFake(`${receiver.url}/moved`);

		fake?.emit('accountAdded', 'alice', { account: 'alice' });
		await fake?.idle();

		expect(receiver.requests).toHaveLength(1);
		expect(fake?.deliveries[0]).toMatchObject({ status: 302, outcome: 'redirect' });
	});
});

describe('webhook gates', () => {
	it('delivers nothing while webhooksEnabled is off, even to a per-account URL', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake(`${receiver.url}/global`, {
			settings: { webhooksEnabled: false },
			accounts: [{ account: 'bob', webhooks: `${receiver.url}/account/bob` }],
		});

		fake?.emit('accountAdded', 'bob', { account: 'bob' });
		await fake?.idle();

		expect(receiver.requests).toHaveLength(0);
		expect(fake?.skipped.map((job) => job.reason)).toEqual(['webhooksDisabled']);
	});

	it('delivers only events listed in webhookEvents (or all with *)', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake(`${receiver.url}/global`, {
			settings: { webhookEvents: ['messageNew'] },
		});

		fake?.emit('accountAdded', 'alice', { account: 'alice' });
		fake?.emit(
			'messageNew',
			'alice',
			{ id: 'AAAAAQAAAeE' },
			{ path: 'INBOX', specialUse: '\\Inbox' },
		);
		await fake?.idle();

		expect(receiver.requests.map((request) => bodyOf(request).event)).toEqual(['messageNew']);
		expect(fake?.skipped.map((job) => job.reason)).toEqual(['eventNotSubscribed']);
		expect(Object.keys(bodyOf(receiver.requests[0]))).toEqual([
			'serviceUrl',
			'account',
			'date',
			'path',
			'specialUse',
			'event',
			'data',
		]);
	});

	it('is silent by default: webhooks off, no events, no URL', async () => {
		receiver = await startWebhookReceiver();
		fake = await startFakeEmailEngine({ accounts: [{ account: 'alice' }] });

		fake.emit('accountAdded', 'alice', { account: 'alice' });
		await fake.idle();

		expect(receiver.requests).toHaveLength(0);
		expect(fake.skipped[0].reason).toBe('webhooksDisabled');
	});
});

describe('settings API', () => {
	beforeEach(async () => {
		fake = await startFakeEmailEngine();
	});

	it('returns only the keys asked for, with secrets as booleans and credentials masked', async () => {
		await api('POST', '/v1/settings', {
			webhooks: 'http://hook:s3cret@127.0.0.1:9/hook',
			webhooksCustomHeaders: [{ key: 'Authorization', value: 'Bearer abc' }],
			serviceSecret: 'known-secret',
			webhooksEnabled: true,
		});

		const { status, json } = await api(
			'GET',
			'/v1/settings?webhooks=true&webhooksCustomHeaders=true&serviceSecret=true&openAiAPIKey=true&webhookEvents=true',
		);

		expect(status).toBe(200);
		expect(json).toEqual({
			webhooks: 'http://hook:******@127.0.0.1:9/hook',
			webhooksCustomHeaders: [{ key: 'Authorization', value: '******' }],
			serviceSecret: true,
			openAiAPIKey: false,
			webhookEvents: null,
		});
	});

	it('skips a masked value posted back unchanged and refuses a mask anywhere else', async () => {
		await api('POST', '/v1/settings', { webhooks: 'http://hook:s3cret@127.0.0.1:9/hook' });

		const echo = await api('POST', '/v1/settings', {
			webhooks: 'http://hook:******@127.0.0.1:9/hook',
			webhooksEnabled: true,
		});
		expect(echo).toEqual({ status: 200, json: { updated: ['webhooksEnabled'] } });
		expect(fake?.state.settings.webhooks).toBe('http://hook:s3cret@127.0.0.1:9/hook');

		const moved = await api('POST', '/v1/settings', {
			webhooks: 'http://hook:******@127.0.0.1:9/other',
		});
		expect(moved.status).toBe(400);
		expect(moved.json).toMatchObject({ statusCode: 400, error: 'Bad Request' });
		expect(String(moved.json.message)).toContain('masked placeholder "******"');
	});

	it('refuses unknown keys and wrong types with a Joi-style field list', async () => {
		const { status, json } = await api('POST', '/v1/settings', {
			webhookz: 'x',
			webhooks: 'ftp://example.com',
			webhookEvents: 'messageNew',
		});
		expect(status).toBe(400);
		expect(json).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Invalid input' });
		expect((json.fields as Array<{ key: string }>).map((field) => field.key).sort()).toEqual([
			'webhookEvents',
			'webhooks',
			'webhookz',
		]);
	});

	it('lists the 24 event types and keeps serviceUrl to its origin', async () => {
		await api('POST', '/v1/settings', { serviceUrl: 'http://127.0.0.1:3000/some/path' });
		const { json } = await api('GET', '/v1/settings?eventTypes=true&serviceUrl=true');
		expect(json.serviceUrl).toBe('http://127.0.0.1:3000');
		expect(json.eventTypes).toHaveLength(24);
		expect(json.eventTypes).toContain('messageDeliveryError');
	});
});

describe('authentication', () => {
	beforeEach(async () => {
		fake = await startFakeEmailEngine({
			tokens: [
				{ token: 'root', scopes: ['*'] },
				{ token: 'narrow', permissions: { groups: ['account', 'submit', 'outbox'] } },
				{ token: 'bob-only', account: 'bob' },
				{ token: 'smtp-only', scopes: ['smtp'] },
			],
			accounts: [
				{ account: 'alice', email: 'alice@example.com' },
				{ account: 'bob', email: 'bob@example.com' },
			],
		});
	});

	it('answers 401 without a token and for an unknown token', async () => {
		expect(await api('GET', '/v1/accounts', undefined, null)).toEqual({
			status: 401,
			json: { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' },
		});
		expect(await api('GET', '/v1/accounts', undefined, 'nope')).toEqual({
			status: 401,
			json: {
				statusCode: 401,
				error: 'Unauthorized',
				message: 'Bad token',
				attributes: { error: 'Bad token' },
			},
		});
	});

	it('accepts the token as an access_token query argument and serves /health without one', async () => {
		const response = await fetch(`${fake?.url}/v1/accounts?access_token=root`);
		expect(response.status).toBe(200);
		expect((await api('GET', '/health', undefined, null)).status).toBe(200);
	});

	it('never lets a narrowed token reach admin routes, but lets it use its groups', async () => {
		const settings = await api('GET', '/v1/settings?webhooks=true', undefined, 'narrow');
		expect(settings.status).toBe(403);
		expect(settings.json.message).toBe('Unauthorized permission');
		expect((await api('PUT', '/v1/account/bob', { name: 'B' }, 'narrow')).status).toBe(403);
		expect((await api('GET', '/v1/accounts', undefined, 'narrow')).status).toBe(200);
		expect((await api('GET', '/v1/outbox', undefined, 'narrow')).status).toBe(200);
		expect((await api('GET', '/v1/webhookRoutes', undefined, 'narrow')).status).toBe(403);
	});

	it('limits an account-bound token to routes naming its own account', async () => {
		expect((await api('GET', '/v1/account/bob', undefined, 'bob-only')).status).toBe(200);
		expect((await api('PUT', '/v1/account/bob', { name: 'Bobby' }, 'bob-only')).status).toBe(200);
		for (const path of ['/v1/account/alice', '/v1/outbox', '/v1/settings?webhooks=true']) {
			expect(await api('GET', path, undefined, 'bob-only')).toEqual({
				status: 403,
				json: { statusCode: 403, error: 'Forbidden', message: 'Unauthorized account' },
			});
		}
	});

	it('refuses a token without the api scope', async () => {
		expect(await api('GET', '/v1/accounts', undefined, 'smtp-only')).toEqual({
			status: 403,
			json: {
				statusCode: 403,
				error: 'Forbidden',
				message: 'Unauthorized scope',
				requestedScope: 'api',
			},
		});
	});
});

describe('accounts API', () => {
	it('answers EmailEngine 404 for an unknown account and masks account webhook secrets', async () => {
		fake = await startFakeEmailEngine({
			accounts: [
				{
					account: 'bob',
					name: 'Bob',
					email: 'bob@example.com',
					webhooks: 'https://u:p@hooks.example.com/bob',
					webhooksCustomHeaders: [{ key: 'X-Account-Hdr', value: 'bob-custom' }],
				},
			],
		});

		expect(await api('GET', '/v1/account/nobody')).toEqual({
			status: 404,
			json: {
				statusCode: 404,
				error: 'Not Found',
				message: 'Account record was not found for requested ID',
			},
		});
		expect((await api('PUT', '/v1/account/nobody', { name: 'x' })).status).toBe(404);
		expect(
			(await api('POST', '/v1/account/nobody/submit', { to: [{ address: 'a@b.c' }] })).status,
		).toBe(404);

		const { json } = await api('GET', '/v1/account/bob');
		expect(json).toMatchObject({
			account: 'bob',
			webhooks: 'https://u:******@hooks.example.com/bob',
			webhooksCustomHeaders: [{ key: 'X-Account-Hdr', value: '******' }],
		});

		const list = await api('GET', '/v1/accounts?page=0&pageSize=10');
		expect(list.json).toMatchObject({ total: 1, page: 0, pages: 1 });
		expect(list.json.accounts).toEqual([
			expect.objectContaining({ account: 'bob', name: 'Bob', state: 'connected' }),
		]);
	});

	it('creates accounts (accountAdded only when new) and updates them with PUT', async () => {
		receiver = await startWebhookReceiver();
		await captureLikeFake(`${receiver.url}/global`, { accounts: [] });

		const created = await api('POST', '/v1/account', {
			account: 'erin',
			name: 'Erin',
			email: 'erin@example.com',
		});
		const again = await api('POST', '/v1/account', { account: 'erin', name: 'Erin' });
		const updated = await api('PUT', '/v1/account/erin', { webhooks: `${receiver.url}/erin` });
		await fake?.idle();

		expect(created.json).toEqual({ account: 'erin', state: 'new' });
		expect(again.json).toEqual({ account: 'erin', state: 'existing' });
		expect(updated.json).toEqual({ account: 'erin' });
		expect(fake?.state.accounts.get('erin')?.webhooks).toBe(`${receiver.url}/erin`);
		expect(receiver.requests.map((request) => bodyOf(request).event)).toEqual(['accountAdded']);
		expect(bodyOf(receiver.requests[0]).data).toEqual({ account: 'erin' });
	});
});

describe('submit and outbox', () => {
	beforeEach(async () => {
		fake = await startFakeEmailEngine({
			accounts: [{ account: 'alice', name: 'Alice', email: 'alice@example.com' }],
		});
	});

	it('queues a message with EmailEngine ids', async () => {
		const generated = await submit('okrcpt@example.net');
		expect(generated).toEqual({
			response: 'Queued for delivery',
			messageId: expect.stringMatching(/^<[0-9a-f-]{36}@example\.com>$/),
			sendAt: expect.any(String),
			queueId: expect.stringMatching(/^[0-9a-f]{19}$/),
		});
		const given = await submit('okrcpt@example.net', { messageId: 'mine-1@example.org' });
		expect(given.messageId).toBe('<mine-1@example.org>');
	});

	it('replays an Idempotency-Key with the cached answer and queues only once', async () => {
		const body = { to: [{ address: 'okrcpt@example.net' }], text: 'x' };
		const headers = { 'idempotency-key': 'order-42' };
		const first = await api('POST', '/v1/account/alice/submit', body, FAKE_ROOT_TOKEN, headers);
		const second = await api('POST', '/v1/account/alice/submit', body, FAKE_ROOT_TOKEN, headers);

		expect(first.json.idempotency).toEqual({ key: 'order-42', status: 'MISS' });
		expect(second.json.idempotency).toEqual({ key: 'order-42', status: 'HIT' });
		expect(second.json.queueId).toBe(first.json.queueId);
		expect(second.json.messageId).toBe(first.json.messageId);
		await fake?.idle();
		expect(fake?.state.events.filter((event) => event.event === 'messageSent')).toHaveLength(1);
	});

	it('lists a scheduled message, forgets it (404) once sent, and deletes queued ones', async () => {
		const later = new Date(Date.now() + 300).toISOString();
		const queued = await submit('okrcpt@example.net', { sendAt: later });
		const listed = await api('GET', '/v1/outbox');
		expect(listed.json).toMatchObject({ total: 1, page: 0, pages: 1 });
		expect((await api('GET', `/v1/outbox/${String(queued.queueId)}`)).json).toMatchObject({
			queueId: queued.queueId,
			account: 'alice',
			messageId: queued.messageId,
			scheduled: later,
		});

		await fake?.idle();
		expect((await api('GET', `/v1/outbox/${String(queued.queueId)}`)).status).toBe(404);

		const doomed = await submit('okrcpt@example.net', {
			sendAt: new Date(Date.now() + 60_000).toISOString(),
		});
		expect((await api('DELETE', `/v1/outbox/${String(doomed.queueId)}`)).json).toEqual({
			deleted: true,
		});
		expect((await api('DELETE', `/v1/outbox/${String(doomed.queueId)}`)).json).toEqual({
			deleted: false,
		});
	});

	it('rejects unknown submit fields and bad types', async () => {
		const { status, json } = await api('POST', '/v1/account/alice/submit', {
			to: [{ address: 'not-an-address' }],
			metadata: { mine: 1 },
		});
		expect(status).toBe(400);
		expect((json.fields as Array<{ key: string }>).map((field) => field.key).sort()).toEqual([
			'address',
			'metadata',
		]);
	});
});

describe('faults', () => {
	beforeEach(async () => {
		fake = await startFakeEmailEngine({ accounts: [{ account: 'alice' }] });
	});

	it('answers injected errors on one route only, for a limited number of calls', async () => {
		fake?.setFault({ kind: 'status', status: 500 }, { route: 'GET /v1/accounts', times: 1 });
		expect(await api('GET', '/v1/accounts')).toEqual({
			status: 500,
			json: {
				statusCode: 500,
				error: 'Internal Server Error',
				message: 'An internal server error occurred',
			},
		});
		expect((await api('GET', '/v1/accounts')).status).toBe(200);
		expect((await api('GET', '/v1/account/alice')).status).toBe(200);
	});

	it('can send malformed JSON, mask everything, or never answer', async () => {
		fake?.setFault({ kind: 'malformedJson' }, { route: 'GET /v1/account/{account}', times: 1 });
		const broken = await fetch(`${fake?.url}/v1/account/alice`, {
			headers: { authorization: `Bearer ${FAKE_ROOT_TOKEN}` },
		});
		await expect(broken.json()).rejects.toThrow();

		fake?.setFault({ kind: 'maskAll' }, { route: 'GET /v1/account/{account}', times: 1 });
		expect((await api('GET', '/v1/account/alice')).json.account).toBe('******');

		fake?.setFault({ kind: 'hang' }, { route: '/v1/accounts' });
		await expect(
			fetch(`${fake?.url}/v1/accounts`, {
				headers: { authorization: `Bearer ${FAKE_ROOT_TOKEN}` },
				signal: AbortSignal.timeout(200),
			}),
		).rejects.toThrow();
		expect(fake?.requests.at(-1)?.status).toBeNull();
	});

	it('goes down (ECONNREFUSED) and comes back on the same port', async () => {
		const port = fake?.port;
		await fake?.down();
		const refused: unknown = await fetch(`${fake?.url}/health`).catch((error: unknown) => error);
		expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');

		await fake?.up();
		expect(fake?.port).toBe(port);
		expect((await api('GET', '/health', undefined, null)).status).toBe(200);
	});

	it('changes state between two calls after the given number of requests', async () => {
		fake?.afterRequests(1, (current) => {
			current.state.accounts.delete('alice');
		});
		expect((await api('GET', '/v1/account/alice')).status).toBe(200);
		expect((await api('GET', '/v1/account/alice')).status).toBe(404);
	});

	it('logs every REST call with method, path, body and the token used', async () => {
		await api('PUT', '/v1/account/alice', { name: 'A' });
		expect(fake?.requests.at(-1)).toMatchObject({
			method: 'PUT',
			path: '/v1/account/alice',
			body: { name: 'A' },
			auth: { token: FAKE_ROOT_TOKEN, via: 'header' },
			status: 200,
		});
	});
});
