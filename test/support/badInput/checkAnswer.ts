import type { CaseAnswer } from './send';
import type { ExpectedAnswer } from './types';

/**
 * Compares an answer with the expected one; returns what differs, or null. Plain data rather
 * than expect(), so a test can report every mismatch of the corpus in one failure.
 */
export function checkAnswer(answer: CaseAnswer, expected: ExpectedAnswer): string | null {
	if (answer.status !== expected.status) {
		return `status ${answer.status} (${answer.body.slice(0, 200)}), expected ${expected.status}`;
	}
	const checks: Array<[string, string | RegExp | undefined]> = [
		['error', expected.error],
		['ignored', expected.ignored],
		['message', expected.message],
	];
	const wanted = checks.filter(([, value]) => value !== undefined);
	if (wanted.length === 0) return null;

	let body: Record<string, unknown>;
	try {
		body = JSON.parse(answer.body) as Record<string, unknown>;
	} catch {
		return `body is not JSON: ${answer.body.slice(0, 200)}`;
	}
	for (const [field, value] of wanted) {
		const actual = body[field];
		const matches =
			typeof actual === 'string' &&
			(typeof value === 'string' ? actual === value : (value as RegExp).test(actual));
		if (!matches) return `${field} ${JSON.stringify(actual)}, expected ${String(value)}`;
	}
	if (expected.ignored !== undefined && body.received !== true) return 'received is not true';
	return null;
}
