import { selectorMatches } from './router';

/** Something going wrong on purpose. */
export type Fault =
	/** Answer this status with an EmailEngine-shaped body (or `body`, sent as JSON). */
	| { kind: 'status'; status: number; body?: unknown }
	/** Accept the request and never answer. */
	| { kind: 'hang' }
	/** Answer 200 with `content-type: application/json` and a body that is not JSON. */
	| { kind: 'malformedJson' }
	/** Answer normally, but with every string in the JSON body replaced by `******`. */
	| { kind: 'maskAll' }
	/** Destroy the connection without any answer (the client sees ECONNRESET / socket hang up). */
	| { kind: 'reset' }
	/** Answer normally after this many milliseconds. */
	| { kind: 'delay'; ms: number }
	/** Stop listening (ECONNREFUSED) until `up()` or `clearFaults()`. Applies at once. */
	| { kind: 'down' };

/** Which requests a fault applies to and how often. */
export interface FaultScope {
	/**
	 * `'METHOD /path'` (the path may use `{param}` like the route table), a bare path, a RegExp
	 * tested against `'METHOD /path'`, or `'*'`/undefined for every request.
	 */
	route?: string | RegExp;
	/** Apply to this many matching requests, then disappear. Default: until cleared. */
	times?: number;
}

interface FaultRule {
	fault: Fault;
	scope: FaultScope;
	remaining: number;
}

/** Keeps the active faults; the server asks it once per request. */
export class FaultBook {
	private rules: FaultRule[] = [];

	add(fault: Fault, scope: FaultScope = {}): () => void {
		const rule: FaultRule = { fault, scope, remaining: scope.times ?? Infinity };
		this.rules.push(rule);
		return () => {
			this.rules = this.rules.filter((candidate) => candidate !== rule);
		};
	}

	clear(): void {
		this.rules = [];
	}

	/** The first matching fault for this request, consuming one use of it. */
	take(method: string, path: string, routePath: string | undefined): Fault | undefined {
		const rule = this.rules.find(
			(candidate) =>
				candidate.remaining > 0 &&
				candidate.fault.kind !== 'down' &&
				selectorMatches(candidate.scope.route, method, path, routePath),
		);
		if (!rule) return undefined;
		rule.remaining--;
		if (rule.remaining <= 0) {
			this.rules = this.rules.filter((candidate) => candidate !== rule);
		}
		return rule.fault;
	}
}

/** Replaces every string leaf with the mask, keeping the structure. */
export function maskEverything(value: unknown): unknown {
	if (typeof value === 'string') return '******';
	if (Array.isArray(value)) return value.map(maskEverything);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [key, maskEverything(entry)]),
		);
	}
	return value;
}
