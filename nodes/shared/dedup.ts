/**
 * Remembers the deliveries a trigger has already turned into executions, so that a retried or
 * replayed delivery starts no second execution. Each delivery is known by up to two keys: its
 * `X-EE-Wh-Event-Id`, which EmailEngine keeps across retries, and its signature, which is the
 * same for every copy of the same signed body whatever event id a replay puts beside it.
 *
 * EmailEngine retries a delivery up to 10 times over roughly 35 to 45 minutes. Keys are kept in
 * two generations: a key stays known for at least one window and at most two. A generation that
 * fills up is rotated early, which is what bounds memory.
 */
export interface EventIdMemoryOptions {
	/** How long an id is guaranteed to be remembered, unless the size bound is reached first. */
	windowMs: number;
	/** Keys held per generation; the memory never holds more than twice this number. */
	maxIdsPerGeneration: number;
	/** Clock, replaceable in tests. */
	now?: () => number;
}

export const DEFAULT_DEDUP_WINDOW_MS = 2 * 60 * 60 * 1000;
// Two keys per accepted event: 250,000 events per generation.
export const DEFAULT_MAX_IDS_PER_GENERATION = 500_000;

export class EventIdMemory {
	private current = new Set<string>();

	private previous = new Set<string>();

	private generationStartedAt: number;

	private readonly now: () => number;

	constructor(private readonly options: EventIdMemoryOptions) {
		this.now = options.now ?? Date.now;
		this.generationStartedAt = this.now();
	}

	/** Records the id and tells whether it had been recorded before. */
	checkAndRecord(eventId: string): 'new' | 'duplicate' {
		return this.checkAndRecordAll([eventId]);
	}

	/** Records every key of one delivery, unless any of them had been recorded before. */
	checkAndRecordAll(keys: readonly string[]): 'new' | 'duplicate' {
		this.rotateIfDue();

		if (keys.some((key) => this.current.has(key) || this.previous.has(key))) return 'duplicate';

		if (this.current.size + keys.length > this.options.maxIdsPerGeneration) this.rotate();
		for (const key of keys) this.current.add(key);
		return 'new';
	}

	/**
	 * Drops keys recorded for a delivery whose execution did not start after all, so that the
	 * sender's retry is taken instead of being dropped as a duplicate.
	 */
	forget(keys: readonly string[]): void {
		for (const key of keys) {
			this.current.delete(key);
			this.previous.delete(key);
		}
	}

	/** Tells whether the id was recorded, without recording it. */
	has(eventId: string): boolean {
		this.rotateIfDue();
		return this.current.has(eventId) || this.previous.has(eventId);
	}

	get size(): number {
		return this.current.size + this.previous.size;
	}

	private rotateIfDue(): void {
		const elapsed = this.now() - this.generationStartedAt;
		if (elapsed < this.options.windowMs) return;

		if (elapsed >= 2 * this.options.windowMs) this.current = new Set();
		this.rotate();
	}

	private rotate(): void {
		this.previous = this.current;
		this.current = new Set();
		this.generationStartedAt = this.now();
	}
}

const memories = new Map<string, EventIdMemory>();

/**
 * The memory of one trigger node. It lives in the n8n process that receives the webhooks, so it
 * is shared by every request that process handles for that node, and is lost when it restarts.
 */
export function eventIdMemoryFor(
	scope: string,
	options: EventIdMemoryOptions = {
		windowMs: DEFAULT_DEDUP_WINDOW_MS,
		maxIdsPerGeneration: DEFAULT_MAX_IDS_PER_GENERATION,
	},
): EventIdMemory {
	let memory = memories.get(scope);
	if (!memory) {
		memory = new EventIdMemory(options);
		memories.set(scope, memory);
	}
	return memory;
}
