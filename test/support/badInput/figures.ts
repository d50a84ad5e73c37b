/**
 * Prints a measured figure for the README, e.g. how many bad requests were tried. Written
 * straight to stdout, so it shows in a plain `npm test` run next to the test names.
 */
export function reportFigure(subject: string, figures: Record<string, unknown> | string): void {
	const text = typeof figures === 'string' ? figures : JSON.stringify(figures);
	process.stdout.write(`[figures] ${subject}: ${text}\n`);
}
