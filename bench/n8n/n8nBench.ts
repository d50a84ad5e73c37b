import { CAPTURE_SERVICE_SECRET, loadFixtures } from '../../test/support/fixtures';
import { startN8n, type N8nInstance } from '../../test/support/n8n';
import { median, percentile, round } from '../stats';
import { forgedEvent, freshEvent, repeatOf, requestStream } from './requests';
import { sendFor, type OutgoingRequest, type SendResult } from './sender';
import { triggerWorkflow, webhookNodeWorkflow, type BenchWorkflow } from './workflows';

export interface N8nBenchOptions {
	/** Total time spent sending, split over every timed slot. */
	seconds: number;
	rounds: number;
	/** Extra environment for n8n (e.g. NODE_OPTIONS for a CPU profile). */
	env?: Record<string, string>;
	log: (message: string) => void;
}

export interface LoadFigures {
	requests: number;
	answered2xx: number;
	statuses: Record<string, number>;
	requestsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	/** Executions finished per second, counting the time n8n needed to finish the backlog. */
	executionsPerSecond: number;
}

export interface N8nBenchResult {
	n8nVersion: string;
	expressionEngine: string;
	slotSeconds: number;
	rounds: number;
	accepted: Record<string, Record<Contender, LoadFigures>>;
	dropped: Record<DropCase | 'accepted', LoadFigures>;
	executions: Record<string, { expected: number; found: number; byStatus: Record<string, number> }>;
	exactlyOneExecutionPer2xx: boolean;
}

type Contender = 'trigger' | 'webhookCode' | 'webhookNoOp';
type DropCase = 'duplicate' | 'unselected' | 'forged';

interface Slot {
	result: SendResult;
	drainMs: number;
}

const ACCEPTED_CONNECTIONS = [1, 8];

export async function benchN8n(options: N8nBenchOptions): Promise<N8nBenchResult> {
	const captures = loadFixtures();
	const withEventId = captures.filter((capture) => capture.headers['x-ee-wh-event-id']);
	const withEvent = captures.filter((capture) => capture.variant !== 'route-mapped');

	const slots = options.rounds * (ACCEPTED_CONNECTIONS.length * 3 + 4);
	const slotMs = Math.max(2000, Math.floor((options.seconds * 1000) / slots));

	options.log('starting n8n (single process, SQLite, default expression engine)');
	const n8n = await startN8n({
		mode: 'single',
		env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto', ...options.env },
	});
	let finished = false;
	try {
		const version = await n8nVersion(n8n);
		const credential = await n8n.api<{ id: string; name: string }>('POST', '/credentials', {
			name: 'EmailEngine (bench)',
			type: 'emailEngineApi',
			data: {
				baseUrl: 'http://127.0.0.1:9',
				accessToken: 'bench-token-never-used-with-manual-registration',
				serviceSecret: CAPTURE_SERVICE_SECRET,
			},
		});
		const ref = { id: credential.id, name: credential.name };
		const workflows: Record<Contender | 'unselected', BenchWorkflow> = {
			trigger: triggerWorkflow(ref, ['*']),
			webhookCode: webhookNodeWorkflow('code', CAPTURE_SERVICE_SECRET),
			webhookNoOp: webhookNodeWorkflow('noOp', CAPTURE_SERVICE_SECRET),
			unselected: triggerWorkflow(ref, ['exportCompleted']),
		};
		const ids: Record<string, string> = {};
		for (const [name, workflow] of Object.entries(workflows)) {
			const created = await n8n.createWorkflow(workflow.input);
			await n8n.activate(created.id);
			await n8n.waitForWebhook(n8n.webhookUrl(workflow.path));
			ids[name] = created.id;
		}
		const url = (name: keyof typeof workflows) => n8n.webhookUrl(workflows[name].path);
		const expected: Record<string, number> = {
			trigger: 0,
			webhookCode: 0,
			webhookNoOp: 0,
			unselected: 0,
		};

		// One short untimed slot each, so that n8n's first-request work is not measured.
		for (const name of ['trigger', 'webhookCode', 'webhookNoOp'] as const) {
			const warm = await sendFor(
				url(name),
				requestStream(captures, url(name), freshEvent, { uniqueBodies: true }),
				{
					connections: 1,
					durationMs: 1500,
				},
			);
			expected[name] += warm.answered.length;
			await drain(n8n, ids[name], expected[name]);
		}
		await checkFirstExecutions(n8n, ids);

		const accepted: Record<string, Record<Contender, Slot[]>> = {};
		const acceptedByTrigger: OutgoingRequest[] = [];
		for (const connections of ACCEPTED_CONNECTIONS) {
			const perContender: Record<Contender, Slot[]> = {
				trigger: [],
				webhookCode: [],
				webhookNoOp: [],
			};
			accepted[`connections${connections}`] = perContender;
			const order: Contender[] = ['trigger', 'webhookCode', 'webhookNoOp'];
			for (let round = 0; round < options.rounds; round++) {
				for (let offset = 0; offset < order.length; offset++) {
					const name = order[(round + offset) % order.length];
					options.log(`accepted events, ${connections} connection(s), round ${round + 1}: ${name}`);
					const result = await sendFor(
						url(name),
						requestStream(captures, url(name), freshEvent, { uniqueBodies: true }),
						{
							connections,
							durationMs: slotMs,
						},
					);
					expected[name] += result.answered.length;
					if (name === 'trigger') acceptedByTrigger.push(...result.answered);
					const drainMs = await drain(n8n, ids[name], expected[name]);
					perContender[name].push({ result, drainMs });
				}
			}
		}

		// Dropped events on one connection, interleaved with accepted ones on the same trigger.
		const dropped: Record<DropCase | 'accepted', Slot[]> = {
			accepted: [],
			duplicate: [],
			unselected: [],
			forged: [],
		};
		const dropOrder: Array<DropCase | 'accepted'> = [
			'accepted',
			'duplicate',
			'unselected',
			'forged',
		];
		for (let round = 0; round < options.rounds; round++) {
			for (let offset = 0; offset < dropOrder.length; offset++) {
				const name = dropOrder[(round + offset) % dropOrder.length];
				options.log(`dropped events, round ${round + 1}: ${name}`);
				const target = name === 'unselected' ? url('unselected') : url('trigger');
				const stream =
					name === 'accepted'
						? requestStream(captures, target, freshEvent, { uniqueBodies: true })
						: name === 'duplicate'
							? requestStream(withEventId, target, repeatOf(acceptedByTrigger))
							: name === 'unselected'
								? requestStream(withEvent, target, freshEvent, { uniqueBodies: true })
								: requestStream(captures, target, forgedEvent);
				const result = await sendFor(target, stream, { connections: 1, durationMs: slotMs });
				if (name === 'accepted') {
					expected.trigger += result.answered.length;
					acceptedByTrigger.push(...result.answered);
				}
				// Dropped events must start nothing: the counts stay as the accepted ones left them.
				const workflow = name === 'unselected' ? 'unselected' : 'trigger';
				const drainMs = await drain(n8n, ids[workflow], expected[workflow]);
				dropped[name].push({ result, drainMs });
			}
		}

		options.log('counting executions');
		const executions: N8nBenchResult['executions'] = {};
		for (const [name, id] of Object.entries(ids)) {
			await settle(n8n, id, expected[name]);
			const list = await n8n.listExecutions(id);
			const byStatus: Record<string, number> = {};
			for (const execution of list)
				byStatus[execution.status] = (byStatus[execution.status] ?? 0) + 1;
			executions[name] = { expected: expected[name], found: list.length, byStatus };
		}

		finished = true;
		return {
			n8nVersion: version,
			expressionEngine: 'default',
			slotSeconds: slotMs / 1000,
			rounds: options.rounds,
			accepted: Object.fromEntries(
				Object.entries(accepted).map(([key, perContender]) => [
					key,
					{
						trigger: figures(perContender.trigger),
						webhookCode: figures(perContender.webhookCode),
						webhookNoOp: figures(perContender.webhookNoOp),
					},
				]),
			),
			dropped: {
				accepted: figures(dropped.accepted),
				duplicate: figures(dropped.duplicate),
				unselected: figures(dropped.unselected),
				forged: figures(dropped.forged),
			},
			executions,
			exactlyOneExecutionPer2xx: Object.values(executions).every(
				(entry) => entry.found === entry.expected && (entry.byStatus.success ?? 0) === entry.found,
			),
		};
	} finally {
		if (!finished) {
			options.log(`n8n log tail:\n${n8n.logs('main').split('\n').slice(-60).join('\n')}`);
		}
		await n8n.stop();
	}
}

function figures(slots: Slot[]): LoadFigures {
	const latencies = slots.flatMap((slot) => slot.result.latenciesMs);
	const statuses: Record<string, number> = {};
	for (const slot of slots) {
		for (const [status, count] of Object.entries(slot.result.statuses)) {
			statuses[status] = (statuses[status] ?? 0) + count;
		}
	}
	const rates = slots.map((slot) => (slot.result.sent * 1000) / slot.result.elapsedMs);
	const executionRates = slots.map(
		(slot) => (slot.result.answered.length * 1000) / (slot.result.elapsedMs + slot.drainMs),
	);
	const answered = slots.reduce((sum, slot) => sum + slot.result.answered.length, 0);
	return {
		requests: slots.reduce((sum, slot) => sum + slot.result.sent, 0),
		answered2xx: answered,
		statuses,
		// Answered requests per second, which is what EmailEngine's worker experiences.
		requestsPerSecond: round(median(rates)),
		p50Ms: round(percentile(latencies, 0.5)),
		p99Ms: round(percentile(latencies, 0.99)),
		executionsPerSecond: answered === 0 ? 0 : round(median(executionRates)),
	};
}

/** Waits until the workflow has `count` executions and none unfinished; returns the wait. */
async function drain(n8n: N8nInstance, workflowId: string, count: number): Promise<number> {
	const started = performance.now();
	if (count > 0)
		await n8n.waitForExecutions(workflowId, count, { includeData: false, timeoutMs: 180_000 });
	return performance.now() - started;
}

/** Gives n8n a moment for an execution that should not exist to show up, then stops waiting. */
async function settle(n8n: N8nInstance, workflowId: string, count: number): Promise<void> {
	await drain(n8n, workflowId, count);
	await new Promise((resolve) => setTimeout(resolve, 1000));
}

/** Fails early, with the reason, when a workflow's executions do not succeed (e.g. the Code node). */
async function checkFirstExecutions(n8n: N8nInstance, ids: Record<string, string>): Promise<void> {
	for (const [name, id] of Object.entries(ids)) {
		const [first] = await n8n.listExecutions(id, true);
		if (first && first.status !== 'success') {
			const reason = first.data?.resultData.error?.message ?? 'no error message';
			throw new Error(
				`The ${name} workflow's execution ${first.id} ended ${first.status}: ${reason}`,
			);
		}
	}
}

async function n8nVersion(n8n: N8nInstance): Promise<string> {
	const settings = await n8n.rest<{ versionCli?: string }>('GET', '/settings');
	return settings.versionCli ?? 'unknown';
}
