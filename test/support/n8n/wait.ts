import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `probe` until it returns a value other than undefined. `describe` is called on timeout to
 * explain what was awaited (e.g. with the tail of a process log).
 */
export async function pollUntil<T>(
	probe: () => Promise<T | undefined>,
	options: { timeoutMs: number; intervalMs?: number; describe: () => string },
): Promise<T> {
	const deadline = Date.now() + options.timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const reason = lastError instanceof Error ? `\nlast error: ${lastError.message}` : '';
			throw new Error(`timed out after ${options.timeoutMs} ms: ${options.describe()}${reason}`);
		}
		await delay(options.intervalMs ?? 250);
	}
}

export function tail(text: string, lines = 60): string {
	return text.split('\n').slice(-lines).join('\n');
}
