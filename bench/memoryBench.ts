import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import {
	DEFAULT_DEDUP_WINDOW_MS,
	DEFAULT_MAX_IDS_PER_GENERATION,
	EventIdMemory,
} from '../nodes/shared/dedup';

export const DISTINCT_IDS = 1_000_000;
const CHECKPOINTS = [100_000, 250_000, 500_000, 750_000, 1_000_000];

export interface MemoryCheckpoint {
	ids: number;
	/** Ids the memory holds at that point. */
	held: number;
	/** Heap used after a full collection, minus the heap before the memory existed. */
	retainedBytes: number;
}

export interface MemoryResult {
	distinctIds: number;
	maxIdsPerGeneration: number;
	/** The design bound: two generations. */
	maxIdsHeld: number;
	checkpoints: MemoryCheckpoint[];
	heldAtEnd: number;
	retainedBytesAtEnd: number;
	bytesPerHeldId: number;
	/** bytesPerHeldId × maxIdsHeld: what the memory can never exceed per trigger node. */
	boundBytes: number;
	/** Whether it stays under the bound after a million ids (with 10 % measurement slack). */
	withinBound: boolean;
}

/**
 * A UUID as the HTTP parser hands over a header value: one flat string. randomUUID() builds its
 * result by concatenation, and V8 keeps such a string as a tree of pieces about ten times larger,
 * which would measure the id generator instead of the memory.
 */
function headerValueUuid(): string {
	return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

/** A 43-character base64url signature, as flat as a header value. */
function headerValueSignature(): string {
	return Buffer.from(randomBytes(32).toString('base64url'), 'latin1').toString('latin1');
}

function heapAfterGc(): number {
	const collect = (globalThis as { gc?: () => void }).gc;
	if (!collect) throw new Error('Run with node --expose-gc');
	collect();
	collect();
	return process.memoryUsage().heapUsed;
}

/** Runs in a fresh process so that nothing else on the heap moves the figures. */
function measure(): MemoryResult {
	const before = heapAfterGc();
	const memory = new EventIdMemory({
		windowMs: DEFAULT_DEDUP_WINDOW_MS,
		maxIdsPerGeneration: DEFAULT_MAX_IDS_PER_GENERATION,
	});
	const checkpoints: MemoryCheckpoint[] = [];
	// The trigger records two keys per accepted event: its event id and its signature.
	for (let ids = 1; ids <= DISTINCT_IDS; ids++) {
		if (memory.checkAndRecordAll([headerValueUuid(), headerValueSignature()]) !== 'new')
			throw new Error('A random key repeated');
		if (CHECKPOINTS.includes(ids)) {
			checkpoints.push({ ids, held: memory.size, retainedBytes: heapAfterGc() - before });
		}
	}
	const end = checkpoints[checkpoints.length - 1];
	const maxIdsHeld = 2 * DEFAULT_MAX_IDS_PER_GENERATION;
	const bytesPerHeldId = Math.round(end.retainedBytes / end.held);
	const boundBytes = bytesPerHeldId * maxIdsHeld;
	return {
		distinctIds: DISTINCT_IDS,
		maxIdsPerGeneration: DEFAULT_MAX_IDS_PER_GENERATION,
		maxIdsHeld,
		checkpoints,
		heldAtEnd: end.held,
		retainedBytesAtEnd: end.retainedBytes,
		bytesPerHeldId,
		boundBytes,
		withinBound:
			end.held <= maxIdsHeld &&
			checkpoints.every((point) => point.retainedBytes <= boundBytes * 1.1),
	};
}

/** Measures in a child node with --expose-gc and the same TypeScript loader as this process. */
export function benchMemory(): MemoryResult {
	const output = execFileSync(
		process.execPath,
		['--expose-gc', '-r', join(__dirname, 'register.cjs'), __filename],
		{ encoding: 'utf8', maxBuffer: 1 << 20 },
	);
	return JSON.parse(output) as MemoryResult;
}

if (require.main === module) {
	process.stdout.write(JSON.stringify(measure()));
}
