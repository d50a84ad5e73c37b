import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { INodeParameters } from 'n8n-workflow';

import { replayFixture } from '../support/fakeEmailEngine/replay';
import {
	buildCorpus,
	checkAnswer,
	CORPUS_SECRET,
	CORPUS_TRIGGERS,
	replayedCaptures,
	sendCase,
	type BadInputCategory,
	type BadRequestCase,
} from '../support/badInput';
import { reportFigure } from '../support/badInput/figures';
import { FAKE_ROOT_TOKEN } from '../support/fakeEmailEngine/fakeEmailEngine';
import { captureLogs, type LogCapture } from '../support/logs';
import { TriggerWorkflow } from '../support/n8nHost';
import { startWebhookHost, type WebhookHost } from '../support/webhookHost';

// Tens of megabytes go through the real node several times.
jest.setTimeout(180_000);

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function memoryInUse(): number {
	collectGarbage();
	collectGarbage();
	const usage = process.memoryUsage();
	return usage.heapUsed + usage.external + usage.arrayBuffers;
}

interface Receiver {
	host: WebhookHost;
	workflow: TriggerWorkflow;
}

async function receiver(parameters: INodeParameters): Promise<Receiver> {
	const host = await startWebhookHost();
	const workflow = new TriggerWorkflow({
		parameters,
		credentials: {
			baseUrl: 'http://127.0.0.1:9',
			accessToken: FAKE_ROOT_TOKEN,
			serviceSecret: CORPUS_SECRET,
		},
		webhookBaseUrl: host.webhookBaseUrl,
	});
	host.attach(workflow);
	return { host, workflow };
}

const corpus = buildCorpus();
const problems: unknown[] = [];
const onProblem = (problem: unknown) => problems.push(problem);

let receivers: Record<BadRequestCase['trigger'], Receiver>;
let logs: LogCapture;

beforeAll(async () => {
	process.on('unhandledRejection', onProblem);
	process.on('uncaughtException', onProblem);
	logs = captureLogs();
	receivers = {
		all: await receiver(CORPUS_TRIGGERS.all),
		selective: await receiver(CORPUS_TRIGGERS.selective),
	};
});

afterAll(async () => {
	process.off('unhandledRejection', onProblem);
	process.off('uncaughtException', onProblem);
	await Promise.all(Object.values(receivers).map(async ({ host }) => await host.stop()));
});

describe('the bad-input corpus', () => {
	it('has at least 200 distinct requests in every documented category', () => {
		const categories = new Set(corpus.map((testCase) => testCase.category));
		const expected: BadInputCategory[] = [
			'truncated',
			'mutated',
			'wrong-type',
			'missing-field',
			'not-a-payload',
			'empty',
			'enormous',
			'deep-nesting',
			'invalid-utf8',
			'compressed',
			'content-type',
			'signature',
			'duplicate-headers',
			'reordered-headers',
			'replay',
			'unselected',
		];
		expect([...categories].sort()).toEqual([...expected].sort());
		expect(corpus.length).toBeGreaterThanOrEqual(200);
	});
});

describe('the trigger, over real HTTP, against every request of the corpus', () => {
	const answers = new Map<string, number>();

	it('answers each with its documented status and message, and runs none of them', async () => {
		const { host, workflow } = receivers.all;
		// The corpus replays these, so they are delivered (and run) once first.
		for (const capture of replayedCaptures()) {
			expect((await replayFixture(capture, workflow.productionUrl)).status).toBe(200);
		}
		const executionsBefore = host.executions.length + receivers.selective.host.executions.length;
		const memoryBefore = memoryInUse();

		const mismatches: string[] = [];
		for (const testCase of corpus) {
			const { workflow: target } = receivers[testCase.trigger];
			const answer = await sendCase(target.productionUrl, testCase);
			answers.set(testCase.id, answer.status);
			const problem = checkAnswer(answer, testCase.expect);
			if (problem) mismatches.push(`${testCase.id}: ${problem}`);
		}

		expect(mismatches).toEqual([]);
		expect(host.executions.length + receivers.selective.host.executions.length).toBe(
			executionsBefore,
		);

		const memoryAfter = memoryInUse();
		const growthMb = (memoryAfter - memoryBefore) / 1024 / 1024;
		reportFigure('bad-input corpus over webhookHost', {
			requests: corpus.length,
			memoryBeforeMb: Number((memoryBefore / 1048576).toFixed(1)),
			memoryAfterMb: Number((memoryAfter / 1048576).toFixed(1)),
		});
		// Over 150 MB went through the node; what stays is what any test process accumulates.
		expect(growthMb).toBeLessThan(40);
		expect(problems).toEqual([]);
	});

	it('still accepts a genuine event afterwards: the process is healthy', async () => {
		const { host, workflow } = receivers.all;
		const before = host.executions.length;
		const { fixture } = await import('../support/fixtures');
		const genuine = fixture('messageSent-account-2');
		expect((await replayFixture(genuine, workflow.productionUrl)).status).toBe(200);
		expect(host.executions.length).toBe(before + 1);
	});

	it('logs each rejection with its reason, and never a secret or any part of a body', () => {
		const text = logs.text();
		expect(text).not.toContain(CORPUS_SECRET);
		for (const line of logs.lines) {
			expect(line.message).toMatch(/^EmailEngine Trigger (rejected|dropped)/);
		}
		// Distinctive values found in the captured bodies.
		for (const fromBody of [
			'okrcpt@example.net',
			'example.com>',
			'queued as',
			'serviceUrl',
			'"event"',
			'messageBounce}',
			'not-the-right-type',
			'abcdefgh',
		]) {
			expect({ fromBody, found: text.includes(fromBody) }).toEqual({ fromBody, found: false });
		}
		const rejected = corpus.filter((testCase) => testCase.expect.status === 401).length;
		const warnings = logs.lines.filter((line) => line.level === 'warn').length;
		expect(warnings).toBeGreaterThanOrEqual(rejected);
	});

	it('reports its figures', () => {
		const byCategory: Record<string, number> = {};
		const byStatus: Record<string, number> = {};
		for (const testCase of corpus) {
			byCategory[testCase.category] = (byCategory[testCase.category] ?? 0) + 1;
			const status = String(answers.get(testCase.id));
			byStatus[status] = (byStatus[status] ?? 0) + 1;
		}
		reportFigure('bad-input corpus by category', byCategory);
		reportFigure('bad-input corpus by status', byStatus);
		expect(Object.values(byStatus).reduce((sum, count) => sum + count, 0)).toBe(corpus.length);
	});
});
