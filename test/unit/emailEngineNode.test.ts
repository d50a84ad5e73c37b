import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { EmailEngine } from '../../nodes/EmailEngine/EmailEngine.node';
import { referenceFromMessageId } from '../../nodes/shared/correlation';
import {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	type FakeEmailEngine,
} from '../support/fakeEmailEngine';
import { connect, node, NODE_TYPES, runWorkflow, type WorkflowRun } from '../support/workflow';

const ACCOUNT_BOUND_TOKEN = 'b'.repeat(64);

let fake: FakeEmailEngine;

beforeEach(async () => {
	fake = await startFakeEmailEngine({
		accounts: [
			{ account: 'alice', name: 'Alice Example', email: 'alice@example.com' },
			{ account: 'bob', name: 'Bob', email: 'bob@example.org' },
		],
		tokens: [
			{ token: FAKE_ROOT_TOKEN, scopes: ['*'] },
			{ token: ACCOUNT_BOUND_TOKEN, scopes: ['*'], account: 'alice' },
		],
		// Long enough that a submission is still in the outbox while a test looks at it.
		submit: { latencyMs: 60_000 },
	});
});

afterEach(async () => {
	await fake.stop();
});

/** Runs Start → EmailEngine with the given parameters over the given items. */
async function runNode(
	parameters: Record<string, unknown>,
	items: Array<Record<string, unknown> | INodeExecutionData> = [{}],
	options: { token?: string; continueOnFail?: boolean; baseUrl?: string } = {},
): Promise<WorkflowRun & { out: IDataObject[] }> {
	const connections = connect({}, 'Start', 'EmailEngine');
	const run = await runWorkflow(
		{
			nodes: [
				node('Start', NODE_TYPES.trigger, { events: ['*'] }, { webhookId: 'start' }),
				node('EmailEngine', NODE_TYPES.emailEngine, parameters, {
					credentials: { emailEngineApi: { id: '1', name: 'EmailEngine' } },
					...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
				}),
			],
			connections,
		},
		{
			startItems: items,
			credentials: {
				emailEngineApi: {
					baseUrl: options.baseUrl ?? `${fake.url}/`,
					accessToken: options.token ?? FAKE_ROOT_TOKEN,
				},
			},
		},
	);
	return Object.assign(run, { out: run.json('EmailEngine') });
}

const send = (extra: IDataObject = {}, options: IDataObject = {}) => ({
	resource: 'email',
	operation: 'send',
	account: 'alice',
	to: 'Ada Lovelace <ada@example.net>, "Smith, Bob" <bob@example.net>',
	subject: 'Your order',
	text: 'Hello',
	html: '<p>Hello</p>',
	options,
	...extra,
});

const submits = () => fake.requests.filter((request) => request.path.endsWith('/submit'));

describe('EmailEngine node: Email → Send', () => {
	it('submits the message with attachments from binary data and returns the queue entry', async () => {
		const pdf = Buffer.from('%PDF-1.4 invoice 4711');
		const run = await runNode(
			send(
				{ reference: 'deal-4711' },
				{
					attachments: 'invoice',
					cc: 'carol@example.net',
					replyTo: 'Sales <sales@example.com>',
					headers: { header: [{ name: 'X-Campaign', value: 'autumn' }] },
					deliveryAttempts: 3,
					sendAt: '2031-01-02T03:04:05.000Z',
				},
			),
			[
				{
					json: {},
					binary: {
						invoice: {
							data: pdf.toString('base64'),
							mimeType: 'application/pdf',
							fileName: 'invoice-4711.pdf',
						},
					},
				},
			],
		);

		expect(run.error).toBeUndefined();
		const [request] = submits();
		expect(request.path).toBe('/v1/account/alice/submit');
		expect(request.headers.authorization).toBe(`Bearer ${FAKE_ROOT_TOKEN}`);
		const body = request.body as IDataObject & { attachments: IDataObject[]; headers: IDataObject };
		expect(body.to).toEqual([
			{ name: 'Ada Lovelace', address: 'ada@example.net' },
			{ name: 'Smith, Bob', address: 'bob@example.net' },
		]);
		expect(body.cc).toEqual([{ address: 'carol@example.net' }]);
		expect(body.replyTo).toEqual([{ name: 'Sales', address: 'sales@example.com' }]);
		expect(body).toMatchObject({
			subject: 'Your order',
			text: 'Hello',
			html: '<p>Hello</p>',
			deliveryAttempts: 3,
			sendAt: '2031-01-02T03:04:05.000Z',
		});
		expect(body.attachments).toEqual([
			{
				filename: 'invoice-4711.pdf',
				contentType: 'application/pdf',
				content: pdf.toString('base64'),
				encoding: 'base64',
			},
		]);
		expect(body.messageId).toMatch(/^<n8n-ref\.deal-4711\.[0-9a-f]{20}@example\.com>$/);
		expect(body.headers).toEqual({ 'X-Campaign': 'autumn', 'X-N8n-Reference': body.messageId });

		const [entry] = [...fake.state.outbox.values()];
		expect(run.out).toEqual([
			{
				account: 'alice',
				queueId: entry.entry.queueId,
				messageId: body.messageId,
				sendAt: '2031-01-02T03:04:05.000Z',
				response: 'Queued for delivery',
				reference: 'deal-4711',
				trackingKey: body.messageId,
				recipients: ['ada@example.net', 'bob@example.net', 'carol@example.net'],
				submittedAt: expect.any(String),
			},
		]);
		expect(referenceFromMessageId(run.out[0].messageId)).toBe('deal-4711');
		expect(run.items('EmailEngine')[0].pairedItem).toEqual({ item: 0 });
	});

	it('uses the From domain for the generated Message-ID, and the account address without From', async () => {
		await runNode(send({ reference: 'r1' }, { from: 'Shop <noreply@shop.example>' }));
		await runNode(send({ reference: 'r2' }));
		const [withFrom, withoutFrom] = submits().map(
			(request) => (request.body as IDataObject).messageId,
		);
		expect(withFrom).toMatch(/@shop\.example>$/);
		expect(withoutFrom).toMatch(/^<n8n-ref\.r2\.[0-9a-f]{20}@example\.com>$/);
		expect(fake.requests.some((request) => request.path === '/v1/account/alice')).toBe(true);
	});

	it('sends the idempotency key, and a repeat returns the first queue entry', async () => {
		const repeatGuard = 'order-1234-confirmation';
		const run = await runNode(send({}, { idempotencyKey: repeatGuard }), [{}, {}]);
		expect(submits().map((request) => request.headers['idempotency-key'])).toEqual([
			repeatGuard,
			repeatGuard,
		]);
		expect(run.out[0].idempotency).toEqual({ key: repeatGuard, status: 'MISS' });
		expect(run.out[1].idempotency).toEqual({ key: repeatGuard, status: 'HIT' });
		expect(run.out[1].queueId).toBe(run.out[0].queueId);
		expect(fake.state.outbox.size).toBe(1);
	});

	it('refuses a reference that cannot be carried, naming the rule and the item', async () => {
		const run = await runNode({ ...send(), reference: '={{ $json.ref }}' }, [
			{ ref: 'deal-1' },
			{ ref: 'deal 2' },
		]);
		expect(run.error?.message).toBe(
			'The correlation reference "deal 2" cannot be carried in a Message-ID and a header: it must be 1 to 64 characters, each a letter, a digit, "-" or "_"',
		);
		expect((run.error as unknown as { context: IDataObject }).context.itemIndex).toBe(1);
	});

	it('with continue on fail, reports the bad item and still sends the others', async () => {
		const run = await runNode(
			{ ...send(), to: '={{ $json.to }}' },
			[{ to: 'ada@example.net' }, { to: 'not an address' }, { to: 'bob@example.net' }],
			{ continueOnFail: true },
		);
		expect(run.error).toBeUndefined();
		expect(run.out).toHaveLength(3);
		expect(run.out[1]).toEqual({ error: 'To: "not an address" is not an email address' });
		expect(run.items('EmailEngine').map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(submits()).toHaveLength(2);
	});

	it('refuses a custom header it could not send as given, before anything is submitted', async () => {
		const headers = (name: string) => ({ headers: { header: [{ name, value: 'x' }] } });
		const proto = await runNode(send({}, headers('__proto__')));
		expect(proto.error?.message).toBe(
			'Custom Headers: "__proto__" cannot be sent as a header name',
		);
		const spaced = await runNode(send({}, headers('X Campaign')));
		expect(spaced.error?.message).toBe('Custom Headers: "X Campaign" is not a valid header name');
		expect(submits()).toHaveLength(0);
	});

	it('refuses a custom Message-ID together with a reference', async () => {
		const run = await runNode(send({ reference: 'r1' }, { messageId: '<mine@example.com>' }));
		expect(run.error?.message).toMatch(/Message-ID and Correlation Reference cannot both be set/);
		expect(submits()).toHaveLength(0);
	});

	it("reports EmailEngine's validation message, the field it names, and the status", async () => {
		const invalid = await runNode({ ...send(), subject: 'x'.repeat(10 * 1024 + 1) });
		expect(invalid.error?.message).toBe(
			'EmailEngine answered POST /v1/account/alice/submit with 400: Invalid input ("subject" length must be less than or equal to 10240 characters long)',
		);
		expect((invalid.error as unknown as { httpCode: string }).httpCode).toBe('400');

		const bad = await runNode({ ...send(), account: 'nobody' });
		expect(bad.error?.message).toBe('EmailEngine has no account "nobody" (404)');
		expect((bad.error as unknown as { httpCode: string }).httpCode).toBe('404');
	});
});

describe('EmailEngine node: Outbox', () => {
	// Scheduled, so it stays in the outbox while the test looks at it.
	const sendAt = new Date(Date.now() + 2 * 3600_000).toISOString();

	async function queueOne(): Promise<string> {
		const run = await runNode(send({}, { sendAt }));
		return run.out[0].queueId as string;
	}

	it('gets, lists and cancels a queued message', async () => {
		const queueId = await queueOne();
		await queueOne();

		const got = await runNode({ resource: 'outbox', operation: 'get', queueId });
		expect(got.out).toEqual([
			expect.objectContaining({
				queueId,
				account: 'alice',
				envelope: { from: 'alice@example.com', to: ['ada@example.net', 'bob@example.net'] },
				scheduled: sendAt,
			}),
		]);

		const listed = await runNode({ resource: 'outbox', operation: 'getAll', returnAll: true });
		expect(listed.out.map((entry) => entry.queueId).sort()).toEqual(
			[...fake.state.outbox.keys()].sort(),
		);
		const limited = await runNode({ resource: 'outbox', operation: 'getAll', limit: 1 });
		expect(limited.out).toHaveLength(1);

		const cancelled = await runNode({ resource: 'outbox', operation: 'cancel', queueId });
		expect(cancelled.out).toEqual([{ queueId, deleted: true }]);
		const again = await runNode({ resource: 'outbox', operation: 'cancel', queueId });
		expect(again.out).toEqual([{ queueId, deleted: false }]);

		const gone = await runNode({ resource: 'outbox', operation: 'get', queueId });
		expect(gone.error?.message).toBe(
			`EmailEngine has no queued message "${queueId}" in its outbox (404)`,
		);
		expect((gone.error as unknown as { description: string }).description).toMatch(
			/removes a message from the outbox as soon as it is sent or fails for good/,
		);
	});

	it('explains that an account-bound token cannot use the outbox (403)', async () => {
		const run = await runNode({ resource: 'outbox', operation: 'getAll', returnAll: true }, [{}], {
			token: ACCOUNT_BOUND_TOKEN,
		});
		expect(run.error?.message).toBe(
			'The access token may not call GET /v1/outbox (403: Unauthorized account)',
		);
		expect((run.error as unknown as { description: string }).description).toMatch(
			/refuses tokens bound to one account/,
		);
	});
});

describe('EmailEngine node: Account', () => {
	it('gets one account and lists all of them', async () => {
		const got = await runNode({ resource: 'account', operation: 'get', account: 'bob' });
		expect(got.out).toEqual([
			expect.objectContaining({ account: 'bob', name: 'Bob', email: 'bob@example.org' }),
		]);
		const listed = await runNode({ resource: 'account', operation: 'getAll', returnAll: true });
		expect(listed.out.map((account) => account.account).sort()).toEqual(['alice', 'bob']);
	});

	it('maps a rejected token (401) and an unreachable EmailEngine to actionable errors', async () => {
		const rejected = await runNode(
			{ resource: 'account', operation: 'getAll', returnAll: true },
			[{}],
			{
				token: 'c'.repeat(64),
			},
		);
		expect(rejected.error?.message).toBe('EmailEngine rejected the access token (401)');

		const url = fake.url;
		await fake.down();
		const down = await runNode({ resource: 'account', operation: 'get', account: 'bob' }, [{}], {
			baseUrl: url,
		});
		expect(down.error?.message).toBe(`EmailEngine is not reachable at ${url} (ECONNREFUSED)`);
		await fake.up();
	});

	it('is usable as an AI tool', () => {
		expect(new EmailEngine().description.usableAsTool).toBe(true);
	});
});
