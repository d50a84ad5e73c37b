import { gzipSync } from 'node:zlib';

import type { IDataObject } from 'n8n-workflow';

import { DELIVERY_LIFECYCLE_EVENTS } from '../../nodes/shared/events';
import { deliverRaw, replayFixture } from '../support/fakeEmailEngine/replay';
import {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	type FakeEmailEngine,
} from '../support/fakeEmailEngine/fakeEmailEngine';
import {
	CAPTURE_SERVICE_SECRET,
	fixture,
	fixtureJson,
	fixturesFor,
	loadFixtures,
	sign,
	type Capture,
} from '../support/fixtures';
import { captureLogs, type LogCapture } from '../support/logs';
import { publish, TriggerWorkflow, type CredentialValues } from '../support/n8nHost';
import { startWebhookHost, type WebhookHost } from '../support/webhookHost';

let host: WebhookHost;
let logs: LogCapture;

beforeEach(async () => {
	logs = captureLogs();
	host = await startWebhookHost();
});

afterEach(async () => {
	await host.stop();
});

function trigger(parameters: IDataObject = {}, credentials: Partial<CredentialValues> = {}) {
	const workflow = new TriggerWorkflow({
		parameters: { registration: 'manual', events: ['*'], ...parameters },
		credentials: {
			baseUrl: 'http://127.0.0.1:9',
			accessToken: FAKE_ROOT_TOKEN,
			serviceSecret: CAPTURE_SERVICE_SECRET,
			...credentials,
		},
		webhookBaseUrl: host.webhookBaseUrl,
	});
	host.attach(workflow);
	return workflow;
}

async function replay(capture: Capture, workflow: TriggerWorkflow) {
	return await replayFixture(capture, workflow.productionUrl);
}

/** A capture's bytes with changed headers, as a retry or a forger would send them. */
function withHeaders(capture: Capture, changes: Record<string, string | undefined>) {
	const headers = capture.headerPairs
		.filter(([name]) => !(name in changes) || changes[name] !== undefined)
		.map(([name, value]): [string, string] => [name, changes[name] ?? value]);
	for (const [name, value] of Object.entries(changes)) {
		if (value !== undefined && !headers.some(([n]) => n === name)) headers.push([name, value]);
	}
	return headers;
}

const enveloped = loadFixtures().filter((capture) => capture.variant !== 'route-mapped');

describe('EmailEngine Trigger webhook: captured requests', () => {
	it('starts one execution per captured event, each with its normalized item', async () => {
		const workflow = trigger();
		const captures = enveloped.filter((capture) => capture.index === 1);
		const distinct = captures.filter(
			(capture, i) =>
				captures.findIndex(
					(c) => c.headers['x-ee-wh-event-id'] === capture.headers['x-ee-wh-event-id'],
				) === i,
		);

		for (const capture of captures) {
			const response = await replay(capture, workflow);
			expect({ name: capture.name, status: response.status }).toEqual({
				name: capture.name,
				status: 200,
			});
		}

		expect(host.executions).toHaveLength(distinct.length);
		host.executions.forEach((execution, index) => {
			const body = fixtureJson<{ event: string; account: string }>(distinct[index]);
			expect(execution.items).toHaveLength(1);
			expect(execution.items[0]).toMatchObject({
				event: body.event,
				account: body.account,
				eventId: distinct[index].headers['x-ee-wh-event-id'],
			});
		});
	});

	it('starts one execution when a route and the global URL both deliver one event to it', async () => {
		const workflow = trigger();
		const viaRoute = fixture('messageSent-route-1');
		const viaGlobal = fixturesFor('messageSent', 'global').find(
			(capture) => capture.headers['x-ee-wh-event-id'] === viaRoute.headers['x-ee-wh-event-id'],
		);
		expect(viaGlobal).toBeDefined();

		await replay(viaRoute, workflow);
		const second = await replay(viaGlobal!, workflow);

		expect(JSON.parse(second.body).ignored).toMatch(/was already received$/);
		expect(host.executions).toHaveLength(1);
	});

	it('emits a messageSent as the documented item', async () => {
		const workflow = trigger();
		const capture = fixture('messageSent-route-1');
		await replay(capture, workflow);

		expect(host.executions[0].items[0]).toEqual({
			event: 'messageSent',
			eventId: '088f203e-925d-423a-b78e-cb4e0ec6c589',
			account: 'carol',
			occurredAt: '2026-12-03T17:45:41.617Z',
			deliveryAttempt: 1,
			routeId: 'AAABoj0B8IAAAAAB',
			queueId: '1a23d0312ed1bff3420',
			messageId: '<8906b42e-c0cf-c829-a0cb-89acd1ac58fa@example.com>',
			originalMessageId: null,
			envelopeFrom: 'carol@example.com',
			recipients: ['okrcpt@example.net'],
			deliveryState: 'sent',
			engagement: null,
			smtpResponse: '250 OK: queued as 760640349214',
			smtpResponseCode: 250,
			smtpCommand: null,
			error: null,
			errorCode: null,
			retry: null,
			bounce: null,
			complaint: null,
			tracking: null,
			path: null,
			specialUse: null,
			data: fixtureJson<{ data: IDataObject }>(capture).data,
		});
	});

	it("delivers a route's mapped body as it is, still checking its signature", async () => {
		const workflow = trigger();
		const capture = fixture('accountAdded-route-mapped-1');

		expect((await replay(capture, workflow)).status).toBe(200);
		expect(host.executions[0].items[0]).toEqual(fixtureJson(capture));

		const forged = Buffer.from(capture.body.replace('dave', 'mallory'));
		const response = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, { 'content-length': String(forged.length) }),
			body: forged,
		});
		expect(response.status).toBe(401);
		expect(host.executions).toHaveLength(1);
	});

	it('gives the untouched body, with its event id put back, when raw output is chosen', async () => {
		const workflow = trigger({ options: { output: 'raw' } });
		const capture = fixture('messageBounce-account-1');
		await replay(capture, workflow);

		expect(host.executions[0].items[0]).toEqual({
			...fixtureJson(capture),
			eventId: capture.headers['x-ee-wh-event-id'],
		});
	});

	it('adds the raw payload to the normalized item on request', async () => {
		const workflow = trigger({ options: { includeRaw: true } });
		const capture = fixture('trackClick-account-1');
		await replay(capture, workflow);
		expect(host.executions[0].items[0].raw).toEqual(fixtureJson(capture));
	});
});

describe('EmailEngine Trigger webhook: authenticity', () => {
	it('answers 401 to a body changed after signing, starts nothing, and logs why without the body', async () => {
		const workflow = trigger();
		const capture = fixture('messageSent-account-1');
		const tampered = Buffer.from(capture.body.replace('okrcpt@example.net', 'evil@example.net'));

		const response = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, { 'content-length': String(tampered.length) }),
			body: tampered,
		});

		expect(response.status).toBe(401);
		expect(JSON.parse(response.body)).toEqual({ error: 'Unauthorized' });
		expect(host.executions).toEqual([]);
		const warning = logs.lines.find((line) => line.level === 'warn');
		expect(warning?.message).toBe(
			'EmailEngine Trigger rejected a webhook request: the signature does not match the configured signing secret',
		);
		expect(logs.text()).not.toContain('evil@example.net');
		expect(logs.text()).not.toContain(CAPTURE_SERVICE_SECRET);
	});

	it('answers 401 to a request without a signature, like the admin UI test button sends', async () => {
		const workflow = trigger();
		const body = JSON.stringify({
			serviceUrl: 'http://127.0.0.1:3000',
			account: null,
			date: '2026-12-03T18:00:00.000Z',
			event: 'test',
			data: { nonce: 'abc' },
		});
		const response = await deliverRaw(workflow.productionUrl, {
			headers: { 'content-type': 'application/json' },
			body,
		});
		expect(response.status).toBe(401);
		expect(host.executions).toEqual([]);
		expect(logs.text()).toContain('the X-EE-Wh-Signature header is missing');
	});

	it('accepts events signed with the previous secret during a rotation, and the new one', async () => {
		const workflow = trigger(
			{},
			{ serviceSecret: 'rotated-secret', previousServiceSecret: CAPTURE_SERVICE_SECRET },
		);
		const oldSigned = fixture('messageSent-account-1');
		expect((await replay(oldSigned, workflow)).status).toBe(200);

		const newSigned = fixture('messageFailed-account-1');
		const response = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(newSigned, {
				'x-ee-wh-signature': sign(newSigned.bytes, 'rotated-secret'),
			}),
			body: newSigned.bytes,
		});
		expect(response.status).toBe(200);
		expect(host.executions).toHaveLength(2);
	});

	it('rejects everything when the credential has no secret and unsigned events are not accepted', async () => {
		const workflow = trigger({}, { serviceSecret: '' });
		expect((await replay(fixture('messageSent-account-1'), workflow)).status).toBe(401);
		expect(logs.text()).toContain('no webhook signing secret is configured');
	});

	it('starts executions for unsigned requests only when explicitly allowed', async () => {
		const workflow = trigger({ options: { acceptUnsigned: true } }, { serviceSecret: '' });
		const capture = fixture('messageSent-account-1');
		const response = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, { 'x-ee-wh-signature': undefined }),
			body: capture.bytes,
		});
		expect(response.status).toBe(200);
		expect(host.executions).toHaveLength(1);
	});

	it('verifies the bytes n8n inflated from a gzip body', async () => {
		const workflow = trigger();
		const capture = fixture('messageSent-account-1');
		const compressed = gzipSync(capture.bytes);
		const response = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, {
				'content-encoding': 'gzip',
				'content-length': String(compressed.length),
			}),
			body: compressed,
		});
		expect(response.status).toBe(200);
		expect(host.executions).toHaveLength(1);
	});
});

describe('EmailEngine Trigger webhook: filters and duplicates', () => {
	it('acknowledges an event that is not selected with 200 and starts nothing', async () => {
		const workflow = trigger({ events: [...DELIVERY_LIFECYCLE_EVENTS] });
		const response = await replay(fixture('messageNew-account-1'), workflow);

		expect(response.status).toBe(200);
		expect(JSON.parse(response.body)).toEqual({
			received: true,
			ignored: 'Event messageNew is not selected in this trigger',
		});
		expect(host.executions).toEqual([]);
	});

	it('lets an event type it does not know through when all events are selected', async () => {
		const workflow = trigger({ events: ['*'] });
		const body = Buffer.from(
			JSON.stringify({
				serviceUrl: null,
				account: 'bob',
				date: '2026-12-03T18:00:00.000Z',
				event: 'messageQuarantined',
				data: { id: 'x' },
			}),
		);
		const response = await deliverRaw(workflow.productionUrl, {
			headers: {
				'content-type': 'application/json',
				'x-ee-wh-event-id': '11111111-2222-4333-8444-555555555555',
				'x-ee-wh-signature': sign(body, CAPTURE_SERVICE_SECRET),
			},
			body,
		});
		expect(response.status).toBe(200);
		expect(host.executions[0].items[0]).toMatchObject({
			event: 'messageQuarantined',
			account: 'bob',
		});
	});

	it('only starts executions for the chosen accounts', async () => {
		const workflow = trigger({ accountScope: 'selected', accounts: ['carol'] });
		await replay(fixture('messageSent-account-1'), workflow);
		await replay(fixture('messageSent-route-1'), workflow);

		expect(host.executions.map((execution) => execution.items[0].account)).toEqual(['carol']);
	});

	it('starts no second execution for a retried delivery of the same event', async () => {
		const workflow = trigger();
		const capture = fixture('messageSent-account-1');

		await replay(capture, workflow);
		const retry = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, { 'x-ee-wh-attempts-made': '3', 'x-ee-wh-queued-time': '35s' }),
			body: capture.bytes,
		});

		expect(retry.status).toBe(200);
		expect(JSON.parse(retry.body).ignored).toBe(
			`Event ${capture.headers['x-ee-wh-event-id']} was already received`,
		);
		expect(host.executions).toHaveLength(1);
	});

	it('starts no second execution for a captured request replayed under a new event id', async () => {
		const workflow = trigger();
		const capture = fixture('messageSent-account-1');

		await replay(capture, workflow);
		const replayed = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, { 'x-ee-wh-event-id': '00000000-1111-4222-8333-444444444444' }),
			body: capture.bytes,
		});

		expect(replayed.status).toBe(200);
		expect(JSON.parse(replayed.body).ignored).toBe('This signed body was already received');
		expect(host.executions).toHaveLength(1);
	});

	it('recognises a retry that EmailEngine signed again after a secret rotation by its event id', async () => {
		const workflow = trigger(
			{},
			{ serviceSecret: 'rotated-secret', previousServiceSecret: CAPTURE_SERVICE_SECRET },
		);
		const capture = fixture('messageSent-account-1');

		await replay(capture, workflow);
		const resigned = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, {
				'x-ee-wh-signature': sign(capture.bytes, 'rotated-secret'),
				'x-ee-wh-attempts-made': '1',
			}),
			body: capture.bytes,
		});

		expect(JSON.parse(resigned.body).ignored).toMatch(/was already received$/);
		expect(host.executions).toHaveLength(1);
	});

	it('does not let a forged request with a known event id poison the duplicate memory', async () => {
		const workflow = trigger();
		const capture = fixture('messageSent-account-1');

		await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, { 'x-ee-wh-signature': sign(capture.bytes, 'guessed') }),
			body: capture.bytes,
		});
		expect((await replay(capture, workflow)).status).toBe(200);
		expect(host.executions).toHaveLength(1);
	});

	it('does not count a redelivery as a duplicate in another workflow', async () => {
		const capture = fixture('messageSent-account-1');
		await replay(capture, trigger());
		await replay(capture, trigger());
		expect(host.executions).toHaveLength(2);
	});
});

describe('EmailEngine Trigger webhook: when n8n cannot run the event', () => {
	it('takes the retry of an event whose execution n8n failed to start', async () => {
		const workflow = trigger();
		const capture = fixture('messageSent-account-1');
		host.failStarts = 1;

		const first = await replay(capture, workflow);
		expect(first.status).toBe(500);
		expect(host.executions).toHaveLength(0);

		const retry = await deliverRaw(workflow.productionUrl, {
			headers: withHeaders(capture, { 'x-ee-wh-attempts-made': '1' }),
			body: capture.bytes,
		});
		expect(retry.status).toBe(200);
		expect(retry.body).toBe('');
		expect(host.executions).toHaveLength(1);
		expect(host.executions[0].items[0].eventId).toBe(capture.headers['x-ee-wh-event-id']);
	});
});

describe('EmailEngine Trigger webhook: bad input', () => {
	function signed(body: string | Buffer, headers: Record<string, string> = {}) {
		const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
		return {
			headers: {
				'content-type': 'application/json',
				'x-ee-wh-signature': sign(bytes, CAPTURE_SERVICE_SECRET),
				...headers,
			},
			body: bytes,
		};
	}

	it.each([
		['an empty body', '', 400, 'The request body is empty'],
		['a JSON array', '[1,2]', 400, 'The request body must be a JSON object, not an array'],
		['a JSON string', '"messageSent"', 400, 'The request body must be a JSON object, not a string'],
		[
			'an object that is not an EmailEngine payload',
			'{"hello":"world"}',
			422,
			'Not an EmailEngine webhook payload: the field "event" is missing',
		],
		[
			'a messageSent without its queueId',
			'{"account":"bob","date":"2026-12-03T18:00:00.000Z","event":"messageSent","data":{"messageId":"<a@b>"}}',
			422,
			'messageSent: data.queueId is missing',
		],
	])(
		'answers %s with a precise reason and starts nothing',
		async (_name, body, status, message) => {
			const workflow = trigger();
			const response = await deliverRaw(workflow.productionUrl, signed(body));
			expect(response.status).toBe(status);
			expect(JSON.parse(response.body)).toEqual({ error: message });
			expect(host.executions).toEqual([]);
		},
	);

	it('answers malformed JSON sent as text with 400, since n8n only parses JSON content itself', async () => {
		const workflow = trigger();
		const response = await deliverRaw(
			workflow.productionUrl,
			signed('{"event": "messageSent",', { 'content-type': 'text/plain' }),
		);
		expect(response.status).toBe(400);
		expect(JSON.parse(response.body).error).toMatch(/^The request body is not valid JSON/);
		expect(host.executions).toEqual([]);
	});
});

describe('EmailEngine Trigger webhook: from a fake EmailEngine', () => {
	let fake: FakeEmailEngine;

	afterEach(async () => {
		await fake?.stop();
	});

	it('receives the events EmailEngine sends after the trigger registered itself', async () => {
		fake = await startFakeEmailEngine({
			settings: { serviceSecret: CAPTURE_SERVICE_SECRET },
			accounts: [{ account: 'bob', email: 'bob@example.com' }],
		});
		const workflow = new TriggerWorkflow({
			parameters: { registration: 'global', events: ['messageSent', 'messageFailed'] },
			credentials: {
				baseUrl: fake.url,
				accessToken: FAKE_ROOT_TOKEN,
				serviceSecret: CAPTURE_SERVICE_SECRET,
			},
			webhookBaseUrl: host.webhookBaseUrl,
		});
		host.attach(workflow);
		await publish(workflow);

		fake.emit('messageNew', 'bob', { id: 'AAAA', messageId: '<in@example.org>' });
		fake.emit('messageSent', 'bob', {
			messageId: '<out@example.com>',
			response: '250 OK: queued as 1234',
			queueId: '1a23d0297b7423471bb',
			envelope: { from: 'bob@example.com', to: ['x@example.net'] },
			networkRouting: null,
		});
		await fake.idle();

		expect(host.executions.map((execution) => execution.items[0].event)).toEqual(['messageSent']);
		expect(fake.deliveries.every((attempt) => attempt.status === 200)).toBe(true);
	});
});
