import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

import { buildCorpus, checkAnswer, CORPUS_SECRET, CORPUS_TRIGGERS } from '../support/badInput';
import { sampleCorpus, sendCase, type CaseAnswer } from '../support/badInput';
import { reportFigure } from '../support/badInput/figures';
import { freshEventId } from '../support/badInput/requests';
import { FAKE_ROOT_TOKEN, startFakeEmailEngine } from '../support/fakeEmailEngine/fakeEmailEngine';
import { sign } from '../support/fixtures';
import type { DeliveryAttempt } from '../support/fakeEmailEngine/types';
import { nodeOutput, startN8n, type N8nInstance } from '../support/n8n';
import type { Execution } from '../support/n8n/client';
import { startReadinessGate } from '../support/n8n/readinessGate';
import {
	AFTER_TRIGGER_NODE,
	createEmailEngineCredential,
	emailEngineTriggerWorkflow,
	TRIGGER_NODE,
	withRemoveDuplicates,
} from './support/emailEngineWorkflows';

// One n8n for the file: a corpus sample, a restart under load and a bounded soak.
jest.setTimeout(900_000);

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
/** Time between two events while n8n restarts; smaller makes the restart windows busier. */
const RESTART_EVENT_GAP_MS = Number(process.env.RESTART_EVENT_GAP_MS ?? 150);

let n8n: N8nInstance;
let credential: { id: string; name: string };

beforeAll(async () => {
	n8n = await startN8n();
	credential = await createEmailEngineCredential(n8n, {
		baseUrl: 'http://127.0.0.1:9',
		accessToken: FAKE_ROOT_TOKEN,
		serviceSecret: CORPUS_SECRET,
	});
});

afterAll(async () => {
	await n8n?.stop();
});

async function publishTrigger(parameters: Record<string, unknown>) {
	const workflow = emailEngineTriggerWorkflow(credential, parameters);
	const created = await n8n.createWorkflow(workflow.input);
	await n8n.activate(created.id);
	const url = n8n.webhookUrl(workflow.path);
	await n8n.waitForWebhook(url);
	return { id: created.id, url };
}

async function eventIdsRun(workflowId: string): Promise<string[]> {
	const executions = await n8n.listExecutions(workflowId, true);
	return executions.flatMap((execution) =>
		nodeOutput(execution, AFTER_TRIGGER_NODE).map((item) => (item as { eventId: string }).eventId),
	);
}

/** Resident memory of the n8n process serving webhooks, found by its working folder. */
function n8nRssMb(): number {
	let total = 0;
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			if (readlinkSync(`/proc/${pid}/cwd`) !== n8n.userFolder) continue;
			const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			if (!cmdline.includes('n8n')) continue;
			const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			if (rss && cmdline.includes('start')) total = Math.max(total, Number(rss[1]) / 1024);
		} catch {
			// The process ended while we looked.
		}
	}
	return Math.round(total);
}

/** A messageSent as EmailEngine would sign and send it, as a new event. */
function signedEvent(
	n: number,
	event = 'messageSent',
): { headers: Array<[string, string]>; body: Buffer } {
	const body = Buffer.from(
		JSON.stringify({
			serviceUrl: 'http://127.0.0.1:3000',
			account: 'bob',
			date: new Date().toISOString(),
			event,
			data: {
				messageId: `<soak-${n}@example.com>`,
				response: '250 OK: queued as SOAK',
				queueId: `soak${n}`,
				envelope: { from: 'bob@example.com', to: ['okrcpt@example.net'] },
			},
		}),
	);
	return {
		body,
		headers: [
			['content-type', 'application/json'],
			['x-ee-wh-id', String(n)],
			['x-ee-wh-attempts-made', '0'],
			['x-ee-wh-event-id', freshEventId(`soak-${n}-${event}`)],
			['x-ee-wh-signature', sign(body, CORPUS_SECRET)],
		],
	};
}

describe('a sample of the bad-input corpus in a real n8n', () => {
	test('each gets its documented answer and none starts an execution', async () => {
		const corpus = buildCorpus().filter((testCase) => testCase.category !== 'replay');
		const sample = sampleCorpus(corpus, 40);
		const targets = {
			all: await publishTrigger(CORPUS_TRIGGERS.all),
			selective: await publishTrigger(CORPUS_TRIGGERS.selective),
		};
		const rssBefore = n8nRssMb();

		const mismatches: string[] = [];
		for (const testCase of sample) {
			const answer = await sendCase(targets[testCase.trigger].url, testCase).catch(
				(error: Error): CaseAnswer => ({ status: -1, body: error.message, elapsedMs: 0 }),
			);
			const problem = checkAnswer(answer, testCase.inN8n ?? testCase.expect);
			if (problem) mismatches.push(`${testCase.id}: ${problem}`);
		}
		expect(mismatches).toEqual([]);

		// n8n is still healthy and ran nothing.
		expect(await n8n.listExecutions(targets.all.id)).toEqual([]);
		expect(await n8n.listExecutions(targets.selective.id)).toEqual([]);
		const genuine = signedEvent(0);
		expect((await sendCase(targets.all.url, genuine)).status).toBe(200);
		await n8n.waitForExecutions(targets.all.id, 1);

		const logs = n8n.logs();
		expect(logs).not.toContain(CORPUS_SECRET);
		expect(logs).not.toContain(FAKE_ROOT_TOKEN);
		expect(logs).not.toContain('okrcpt@example.net');
		reportFigure('bad-input corpus sample in a real n8n', {
			requests: sample.length,
			categories: new Set(sample.map((testCase) => testCase.category)).size,
			rssBeforeMb: rssBefore,
			rssAfterMb: n8nRssMb(),
		});
	});
});

/**
 * Sends events through a fake EmailEngine (which retries non-2xx answers and connection errors
 * with doubling back-off, keeping the event id) while `restart` runs, then checks that every
 * event the trigger answered 2xx has exactly one execution and that none ran twice.
 */
async function restartUnderLoad(
	instance: N8nInstance,
	restart: () => Promise<void>,
	label: string,
	options: { behindReadinessGate?: boolean } = {},
): Promise<void> {
	const workflow = withRemoveDuplicates(
		emailEngineTriggerWorkflow(
			await createEmailEngineCredential(instance, {
				baseUrl: 'http://127.0.0.1:9',
				accessToken: FAKE_ROOT_TOKEN,
				serviceSecret: CORPUS_SECRET,
			}),
			{ registration: 'manual', events: ['*'] },
		),
	);
	const created = await instance.createWorkflow(workflow.input);
	await instance.activate(created.id);
	const direct = instance.webhookUrl(workflow.path);
	await instance.waitForWebhook(direct);
	const gate = options.behindReadinessGate
		? await startReadinessGate(instance.webhookBaseUrl)
		: undefined;
	const url = gate ? `${gate.baseUrl}/webhook/${workflow.path}` : direct;

	const fake = await startFakeEmailEngine({
		settings: {
			serviceSecret: CORPUS_SECRET,
			webhooks: url,
			webhooksEnabled: true,
			webhookEvents: ['*'],
		},
		accounts: [{ account: 'bob' }],
		// EmailEngine's own retry curve, compressed: 10 attempts, doubling from 1 s.
		webhook: { backoffMs: 1000, attempts: 10, timeoutMs: 10_000 },
	});
	try {
		let sending = true;
		let emitted = 0;
		const sender = (async () => {
			while (sending) {
				fake.emit('messageSent', 'bob', {
					messageId: `<restart-${emitted}@example.com>`,
					queueId: `restart${emitted}`,
					response: '250 OK',
				});
				emitted++;
				await new Promise((resolve) => setTimeout(resolve, RESTART_EVENT_GAP_MS));
			}
		})();

		await new Promise((resolve) => setTimeout(resolve, 2000));
		const restartedAt = Date.now();
		await restart();
		const upAfterMs = Date.now() - restartedAt;
		await new Promise((resolve) => setTimeout(resolve, 2000));
		sending = false;
		await sender;
		await fake.idle({ timeoutMs: 300_000 });

		const byEvent = new Map<string, DeliveryAttempt[]>();
		for (const attempt of fake.deliveries) {
			const attempts = byEvent.get(attempt.eventId ?? '') ?? [];
			attempts.push(attempt);
			byEvent.set(attempt.eventId ?? '', attempts);
		}
		const ok = (attempt: DeliveryAttempt) =>
			attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
		// While n8n migrates its database at start-up it answers every request itself, 200 with
		// this text, before any workflow or node sees it. EmailEngine takes that as delivered.
		const n8nStartupPage = (attempt: DeliveryAttempt) =>
			ok(attempt) && attempt.answer === N8N_STARTUP_ANSWER;
		const answered = [...byEvent].filter(([, attempts]) => attempts.some(ok));
		const byTrigger = answered.filter(([, attempts]) => !attempts.some(n8nStartupPage));
		const byStartupPage = answered.filter(([, attempts]) => attempts.some(n8nStartupPage));
		expect(byEvent.size).toBe(emitted);
		expect(answered.length).toBe(emitted);

		// An event "ran" when it reached the node after Remove Duplicates. The trigger's own memory
		// does not outlive a process, so an event whose answer was lost as n8n exited starts a
		// second execution after the restart, which Remove Duplicates stops. n8n also keeps a
		// record of an execution it created but never ran because it was stopping: marked crashed,
		// or in queue mode left queued ("new") when the whole cluster stopped, until n8n's queue
		// recovery marks it crashed.
		const executions = await settledExecutions(
			instance,
			created.id,
			byTrigger.map(([eventId]) => eventId),
		);
		const runs = new Map<string, number>();
		const notRunRecords = new Map<string, number>();
		const started = new Map<string, number>();
		for (const execution of executions) {
			const ran = new Set(eventIdsIn(nodeOutput(execution, AFTER_TRIGGER_NODE)));
			for (const eventId of eventIdsOf(execution)) {
				started.set(eventId, (started.get(eventId) ?? 0) + 1);
				const tally = ran.has(eventId)
					? runs
					: NOT_RUN.has(execution.status)
						? notRunRecords
						: undefined;
				tally?.set(eventId, (tally.get(eventId) ?? 0) + 1);
			}
		}
		const ranOnce = (eventId: string) => runs.get(eventId) === 1;
		const onlyNotRun = (eventId: string) => !runs.has(eventId) && notRunRecords.has(eventId);
		const unaccounted = byTrigger
			.filter(([eventId]) => !ranOnce(eventId) && !onlyNotRun(eventId))
			.map(([eventId, attempts]) => {
				// Any execution that mentions the event, to tell a lost one from one misread.
				const mentions = executions
					.filter((execution) => JSON.stringify(execution).includes(eventId))
					.map((execution) => `${execution.id}:${execution.status}`);
				return `${describeEvent(eventId, attempts, runs.get(eventId) ?? 0, notRunRecords.get(eventId) ?? 0, restartedAt)}; executions mentioning it: [${mentions.join(', ')}]; n8n was back ${upAfterMs} ms after the restart began`;
			});
		const ranTwice = [...runs.values()].filter((count) => count > 1).length;
		reportFigure(label, {
			events: emitted,
			answered2xx: answered.length,
			retriedWhileDown: [...byEvent].filter(([, attempts]) => attempts.length > 1).length,
			failedAttempts: fake.deliveries.filter((attempt) => !ok(attempt)).length,
			executions: executions.length,
			answeredByTrigger: byTrigger.length,
			ranOnce: byTrigger.filter(([eventId]) => ranOnce(eventId)).length,
			onlyAnExecutionN8nDidNotRun: byTrigger.filter(([eventId]) => onlyNotRun(eventId)).length,
			notRunRecordsOfRetriedEvents: [...notRunRecords.keys()].filter((id) => runs.has(id)).length,
			ranTwice,
			startedTwiceStoppedByRemoveDuplicates: [...started].filter(
				([eventId, count]) => count - (notRunRecords.get(eventId) ?? 0) > 1,
			).length,
			acknowledgedByN8nStartupPage: byStartupPage.length,
			lostToN8nStartupPage: byStartupPage.filter(([eventId]) => !runs.has(eventId)).length,
		});
		reportFigure(`${label}, execution statuses`, statusCounts(executions));
		if (gate) {
			reportFigure(`${label}, refused by the readiness gate`, String(gate.refused));
			expect(byStartupPage).toEqual([]);
		}
		// Every event the trigger answered 2xx ran exactly once, or else n8n holds one execution of
		// it that it did not run; and no event ran twice.
		expect(unaccounted).toEqual([]);
		expect(ranTwice).toBe(0);
	} finally {
		await fake.stop();
		await gate?.stop();
	}
}

/** The text n8n 2.41 answers, with status 200, to any request while its database migrates. */
const N8N_STARTUP_ANSWER = 'n8n is starting up. Please wait';

/**
 * The event ids an execution was started for: the trigger's output, or for an execution that
 * never ran, the trigger's items still waiting on its execution stack.
 */
function eventIdsOf(execution: Execution): string[] {
	const fromRun = nodeOutput(execution, TRIGGER_NODE);
	if (fromRun.length > 0) return eventIdsIn(fromRun);
	const data = execution.data as
		| { executionData?: { nodeExecutionStack?: Array<{ data?: { main?: unknown[][] } }> } }
		| undefined;
	const queued = (data?.executionData?.nodeExecutionStack ?? []).flatMap((entry) =>
		(entry.data?.main ?? []).flatMap((items) => (items ?? []) as Array<{ json: unknown }>),
	);
	return eventIdsIn(queued.map((item) => item.json));
}

function eventIdsIn(items: unknown[]): string[] {
	return items
		.map((item) => (item as { eventId?: unknown }).eventId)
		.filter((eventId): eventId is string => typeof eventId === 'string');
}

function describeEvent(
	eventId: string,
	attempts: DeliveryAttempt[],
	runs: number,
	notRun: number,
	restartedAt: number,
): string {
	const tries = attempts.map(
		(attempt) =>
			`${attempt.status ?? attempt.error} ${JSON.stringify((attempt.answer ?? '').slice(0, 80))} ` +
			`${attempt.startedAt - restartedAt} ms after the restart began`,
	);
	return `${eventId}: ran ${runs} times, ${notRun} executions n8n did not run, after ${tries.join(', ')}`;
}

function statusCounts(executions: Array<{ status: string }>): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const { status } of executions) counts[status] = (counts[status] ?? 0) + 1;
	return counts;
}

const UNFINISHED = new Set(['new', 'running', 'waiting']);

/** Executions n8n created but did not run: crashed at shutdown, or left queued by a stopped cluster. */
const NOT_RUN = new Set(['crashed', 'new']);

/**
 * The workflow's executions once every event in `required` has one, none of them is unfinished
 * and their number has held for two polls. A count alone is not enough: in single mode n8n's
 * public API leaves running executions out of its list, and in queue mode it lists those still
 * waiting for a worker.
 */
async function settledExecutions(
	instance: N8nInstance,
	workflowId: string,
	required: readonly string[],
): Promise<Execution[]> {
	let executions: Execution[] = [];
	let count = -1;
	let unchanged = 0;
	for (let round = 0; round < 120; round++) {
		// Counting is cheap; the executions' data is fetched only once the count holds.
		const now = (await instance.listExecutions(workflowId, false)).length;
		unchanged = now === count ? unchanged + 1 : 0;
		count = now;
		if (unchanged >= 2) {
			executions = await instance.listExecutions(workflowId, true);
			const covered = new Set(executions.flatMap(eventIdsOf));
			const unfinished = executions.some((execution) => UNFINISHED.has(execution.status));
			if (!unfinished && required.every((eventId) => covered.has(eventId))) break;
			// Past a minute, what is still missing or unfinished is reported, not waited for.
			if (round > 60) break;
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	if (executions.length !== count) executions = await instance.listExecutions(workflowId, true);
	return executions;
}

describe('n8n restarted while EmailEngine keeps sending', () => {
	test('every event the trigger answered 2xx ran once; events sent while n8n was down were retried', async () => {
		await restartUnderLoad(n8n, async () => await n8n.restart(), 'n8n restart under load');
	});
});

describe('n8n restarted behind a readiness check', () => {
	test('no event is acknowledged by n8n before it is ready, and every one ran once', async () => {
		await restartUnderLoad(
			n8n,
			async () => await n8n.restart(),
			'n8n restart under load behind a readiness gate',
			{ behindReadinessGate: true },
		);
	});
});

describe('queue mode restarted while EmailEngine keeps sending', () => {
	let queue: N8nInstance | undefined;

	afterAll(async () => {
		await queue?.stop();
	});

	test('every event the trigger answered 2xx ran once while the whole cluster restarted', async () => {
		if (process.env.ROBUSTNESS_QUEUE === 'false') return;
		queue ??= await startN8n({ mode: 'queue' });
		await restartUnderLoad(
			queue,
			async () => await queue!.restart(),
			'queue-mode restart under load',
		);
	});

	test('every event the trigger answered 2xx ran once while only the webhook process restarted', async () => {
		if (process.env.ROBUSTNESS_QUEUE === 'false') return;
		queue ??= await startN8n({ mode: 'queue' });
		await restartUnderLoad(
			queue,
			async () => await queue!.restartProcess('webhook'),
			'queue-mode webhook process restart under load',
		);
	});
});

describe('a bounded soak', () => {
	test.each([1, 8])(
		'at concurrency %i nothing accepted is lost and nothing forged runs',
		async (concurrency) => {
			const { id, url } = await publishTrigger({
				registration: 'manual',
				events: ['messageSent'],
			});
			const accepted: string[] = [];
			const samples: Array<{ at: number; ms: number; rss?: number }> = [];
			const wrong: string[] = [];
			const started = Date.now();
			let n = concurrency * 1_000_000;

			const lane = async () => {
				while (Date.now() - started < SOAK_SECONDS * 1000) {
					// Every fourth request of each kind; duplicates need something accepted first.
					const kind = accepted.length === 0 ? 0 : n % 4;
					const number = n++;
					let request = signedEvent(number);
					let expected = 200;
					if (kind === 1) request = signedEvent(number, 'messageNew');
					if (kind === 2 && accepted.length > 0) {
						request = signedEvent(Number(accepted[accepted.length - 1]));
					}
					if (kind === 3) {
						request = signedEvent(number);
						request.headers[4] = ['x-ee-wh-signature', sign('forged', CORPUS_SECRET)];
						expected = 401;
					}
					const answer = await sendCase(url, request);
					samples.push({ at: Date.now() - started, ms: answer.elapsedMs });
					if (answer.status !== expected) wrong.push(`${kind}: ${answer.status} ${answer.body}`);
					if (kind === 0 && answer.status === 200 && answer.body === '') {
						accepted.push(String(number));
					}
				}
			};
			const memory: number[] = [n8nRssMb()];
			const sampler = setInterval(() => memory.push(n8nRssMb()), 2000);
			await Promise.all(Array.from({ length: concurrency }, lane));
			clearInterval(sampler);
			memory.push(n8nRssMb());

			expect(wrong).toEqual([]);
			await n8n.waitForExecutions(id, accepted.length, { timeoutMs: 300_000 });
			const runs = await eventIdsRun(id);
			expect(runs.length).toBe(accepted.length);
			expect(new Set(runs).size).toBe(runs.length);
			expect(new Set(runs)).toEqual(
				new Set(accepted.map((number) => freshEventId(`soak-${number}-messageSent`))),
			);

			const third = Math.floor(samples.length / 3);
			const median = (values: number[]) =>
				[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
			const memoryThird = Math.max(1, Math.floor(memory.length / 3));
			reportFigure(`soak at concurrency ${concurrency}`, {
				seconds: SOAK_SECONDS,
				requests: samples.length,
				accepted: accepted.length,
				executions: runs.length,
				medianMsFirstThird: Number(median(samples.slice(0, third).map((s) => s.ms)).toFixed(1)),
				medianMsLastThird: Number(median(samples.slice(-third).map((s) => s.ms)).toFixed(1)),
				rssMbFirstThird: median(memory.slice(0, memoryThird)),
				rssMbLastThird: median(memory.slice(-memoryThird)),
			});
		},
	);
});
