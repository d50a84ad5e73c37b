/** Order statistics over samples; the benchmark reports medians and tail percentiles only. */
export function percentile(samples: readonly number[], fraction: number): number {
	if (samples.length === 0) return Number.NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
	return sorted[rank];
}

export function median(samples: readonly number[]): number {
	if (samples.length === 0) return Number.NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds to a number of significant digits, for printing and for the saved JSON alike. */
export function round(value: number, digits = 3): number {
	if (!Number.isFinite(value) || value === 0) return value;
	const magnitude = Math.floor(Math.log10(Math.abs(value)));
	const factor = 10 ** (digits - 1 - magnitude);
	return Math.round(value * factor) / factor;
}
