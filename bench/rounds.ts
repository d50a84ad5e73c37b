/**
 * Runs contenders in interleaved rounds: every round times each contender once, in an order that
 * rotates from round to round. A burst of load from another process then hits every contender
 * of that round alike, and the per-round ratios stay honest on a shared machine.
 */
export interface Contender {
	name: string;
	/** Work excluded from the timing, run right before each timed batch (fresh inputs). */
	prepare?: () => void;
	/** One timed batch; returns how many units (events, items) it processed. */
	batch: () => number;
}

export interface RoundsResult {
	/** Nanoseconds per unit, one value per round, for each contender. */
	nsPerUnit: Record<string, number[]>;
}

export function runRounds(contenders: Contender[], rounds: number): RoundsResult {
	const nsPerUnit: Record<string, number[]> = {};
	for (const contender of contenders) nsPerUnit[contender.name] = [];

	// One untimed pass lets the JIT settle on every code path before anything is recorded.
	for (const contender of contenders) {
		contender.prepare?.();
		contender.batch();
	}

	for (let index = 0; index < rounds; index++) {
		for (let offset = 0; offset < contenders.length; offset++) {
			const contender = contenders[(index + offset) % contenders.length];
			contender.prepare?.();
			const started = process.hrtime.bigint();
			const units = contender.batch();
			const elapsed = Number(process.hrtime.bigint() - started);
			nsPerUnit[contender.name].push(elapsed / units);
		}
	}
	return { nsPerUnit };
}

/** The per-round ratio subject / baseline, so a slow round slows both sides of its own ratio. */
export function roundRatios(result: RoundsResult, subject: string, baseline: string): number[] {
	const top = result.nsPerUnit[subject];
	const bottom = result.nsPerUnit[baseline];
	return top.map((value, index) => value / bottom[index]);
}
