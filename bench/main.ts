import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import { benchMemory, type MemoryResult } from './memoryBench';
import { benchN8n, type N8nBenchResult } from './n8n/n8nBench';
import { benchReceive } from './receiveBench';
import { round } from './stats';
import { benchTransforms } from './transformBench';

/*
 * npm run bench [-- --in-process-only | --n8n-only]
 * BENCH_ROUNDS (in-process rounds, default 21), BENCH_SECONDS (time spent sending to the real
 * n8n, default 100), BENCH_N8N_ROUNDS (default 2), BENCH_N8N_PROFILE=1 (CPU-profile n8n),
 * BENCH_N8N_ENV="NAME=value,NAME=value" (extra n8n settings, e.g. to compare expression engines).
 */
const args = new Set(process.argv.slice(2));
const inProcess = !args.has('--n8n-only');
const realN8n = !args.has('--in-process-only');
const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
const seconds = Number(process.env.BENCH_SECONDS ?? 100);
const n8nRounds = Number(process.env.BENCH_N8N_ROUNDS ?? 2);
const resultsDir = join(__dirname, 'results');

function log(message: string): void {
	process.stderr.write(`[bench] ${message}\n`);
}

interface Goal {
	name: string;
	met: boolean;
	detail: string;
}

async function main(): Promise<void> {
	const startedAt = new Date();
	const results: Record<string, unknown> = {
		startedAt: startedAt.toISOString(),
		machine: {
			cpus: cpus().length,
			cpuModel: cpus()[0]?.model ?? 'unknown',
			memoryGiB: round(totalmem() / 2 ** 30, 3),
			node: process.version,
		},
	};
	const headline: Record<string, number> = {};
	const goals: Goal[] = [];

	if (inProcess) {
		log(`receive() against the floor, ${rounds} interleaved rounds`);
		const receive = benchReceive({ rounds, batchMs: 20 });
		results.receive = receive;
		headline.receive_accepted_vs_floor = receive.accepted.ratio;
		headline.receive_accepted_raw_vs_floor = receive.acceptedRaw.ratio;
		headline.receive_unselected_vs_floor = receive.unselected.ratio;
		headline.receive_duplicate_vs_floor = receive.duplicate.ratio;
		headline.receive_forged_vs_floor = receive.forged.ratio;
		goals.push({
			name: 'accepted within 10x the floor',
			met: receive.accepted.ratio <= 10,
			detail: `${receive.accepted.ratio}x`,
		});
		for (const drop of ['unselected', 'duplicate', 'forged'] as const) {
			goals.push({
				name: `${drop} within 2x the floor`,
				met: receive[drop].ratio <= 2,
				detail: `${receive[drop].ratio}x`,
			});
		}

		log(`Normalize, Resolve and Merge over 10,000 items against structuredClone`);
		const transforms = benchTransforms({ rounds: Math.max(5, Math.ceil(rounds / 3)) });
		results.transforms = transforms;
		headline.normalize_vs_structured_clone = transforms.normalize.ratio;
		headline.resolve_vs_structured_clone = transforms.resolve.ratio;
		headline.merge_vs_structured_clone = transforms.merge.ratio;
		for (const entry of transforms.mergeHistory) {
			headline[`merge_history_${entry.historySize}_vs_structured_clone`] = entry.ratio;
			headline[`merge_history_${entry.historySize}_us`] = entry.mergeUsPerCall;
		}
		const [smallest, , largest] = transforms.mergeHistory;
		const growth = round(largest.ratio / smallest.ratio);
		headline.merge_history_1000_vs_10_relative_to_clone = growth;
		goals.push({
			name: 'Merge stays flat from history 10 to 1,000 (relative to copying the record)',
			met: growth <= 1.5,
			detail: `ratio to structuredClone ${smallest.ratio} → ${largest.ratio} (×${growth}); absolute ${smallest.mergeUsPerCall} → ${largest.mergeUsPerCall} µs`,
		});

		log('duplicate-suppression memory after 1,000,000 distinct ids (child process, --expose-gc)');
		const memory: MemoryResult = benchMemory();
		results.memory = memory;
		headline.dedup_bytes_per_id = memory.bytesPerHeldId;
		headline.dedup_bound_mib = round(memory.boundBytes / 2 ** 20);
		headline.dedup_ids_held_after_1m = memory.heldAtEnd;
		goals.push({
			name: `dedup memory bounded (≤ ${memory.maxIdsHeld} ids)`,
			met: memory.withinBound,
			detail: `${round(memory.retainedBytesAtEnd / 2 ** 20)} MiB for ${memory.heldAtEnd} ids`,
		});
	}

	if (realN8n) {
		log(`real n8n: ${seconds} s of sending in ${n8nRounds} rounds`);
		const profileDir = join(resultsDir, `n8n-profile-${stamp(startedAt)}`);
		const env: Record<string, string> = {};
		for (const pair of (process.env.BENCH_N8N_ENV ?? '').split(',').filter(Boolean)) {
			const at = pair.indexOf('=');
			env[pair.slice(0, at)] = pair.slice(at + 1);
		}
		if (process.env.BENCH_N8N_PROFILE === '1') {
			env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${profileDir}`;
		}
		results.n8nSettings = env;
		const n8n: N8nBenchResult = await benchN8n({ seconds, rounds: n8nRounds, env, log });
		results.n8n = n8n;
		for (const [key, contenders] of Object.entries(n8n.accepted)) {
			const { trigger, webhookCode, webhookNoOp } = contenders;
			headline[`n8n_${key}_rps_trigger_vs_webhook_code`] = round(
				trigger.requestsPerSecond / webhookCode.requestsPerSecond,
			);
			headline[`n8n_${key}_p50_trigger_vs_webhook_code`] = round(trigger.p50Ms / webhookCode.p50Ms);
			headline[`n8n_${key}_p99_trigger_vs_webhook_code`] = round(trigger.p99Ms / webhookCode.p99Ms);
			headline[`n8n_${key}_rps_trigger_vs_webhook_noop`] = round(
				trigger.requestsPerSecond / webhookNoOp.requestsPerSecond,
			);
			headline[`n8n_${key}_executions_per_s_trigger_vs_webhook_code`] = round(
				trigger.executionsPerSecond / webhookCode.executionsPerSecond,
			);
			headline[`n8n_${key}_trigger_rps`] = trigger.requestsPerSecond;
			goals.push({
				name: `n8n ${key}: trigger at least matches Webhook+Code (req/s)`,
				met: trigger.requestsPerSecond >= webhookCode.requestsPerSecond * 0.95,
				detail: `${trigger.requestsPerSecond} vs ${webhookCode.requestsPerSecond} req/s, p50 ${trigger.p50Ms} vs ${webhookCode.p50Ms} ms`,
			});
		}
		for (const drop of ['duplicate', 'unselected', 'forged'] as const) {
			const speedup = round(n8n.dropped.accepted.p50Ms / n8n.dropped[drop].p50Ms);
			headline[`n8n_${drop}_answer_speedup_vs_accepted`] = speedup;
			goals.push({
				name: `n8n: a ${drop} event is answered several times faster than an accepted one`,
				met: speedup >= 2,
				detail: `p50 ${n8n.dropped[drop].p50Ms} ms vs ${n8n.dropped.accepted.p50Ms} ms`,
			});
		}
		headline.n8n_exactly_one_execution_per_2xx = n8n.exactlyOneExecutionPer2xx ? 1 : 0;
		goals.push({
			name: 'n8n: exactly one execution per accepted 2xx, none for dropped events',
			met: n8n.exactlyOneExecutionPer2xx,
			detail: JSON.stringify(n8n.executions),
		});
	}

	results.headline = headline;
	results.goals = goals;
	results.finishedAt = new Date().toISOString();
	mkdirSync(resultsDir, { recursive: true });
	const file = join(resultsDir, `bench-${stamp(startedAt)}.json`);
	writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
	writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);

	process.stdout.write('\nGoals:\n');
	for (const goal of goals) {
		process.stdout.write(`  ${goal.met ? 'met   ' : 'MISSED'} ${goal.name}: ${goal.detail}\n`);
	}
	process.stdout.write(`\nFull results: ${file}\n\n`);
	for (const [name, value] of Object.entries(headline)) process.stdout.write(`${name}: ${value}\n`);
}

function stamp(date: Date): string {
	return date.toISOString().replace(/[:.]/g, '-');
}

main().catch((error: unknown) => {
	process.stderr.write(`[bench] failed: ${(error as Error).stack ?? String(error)}\n`);
	process.exitCode = 1;
});
