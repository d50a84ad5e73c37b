import fc from 'fast-check';

/**
 * Names that every plain object already answers to through Object.prototype. Input that uses
 * them as event names, addresses or keys finds code that looks things up in object literals.
 */
export const PROTOTYPE_NAMES = [
	'__proto__',
	'constructor',
	'toString',
	'valueOf',
	'hasOwnProperty',
	'isPrototypeOf',
	'propertyIsEnumerable',
	'toLocaleString',
];

/** Any string, with the prototype's names drawn often enough to matter. */
export const trickyString = fc.oneof(
	{ weight: 3, arbitrary: fc.string() },
	{ weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
);

/** Any JSON value; objects often carry the prototype's names as own keys, as JSON.parse gives. */
export function trickyJson(maxDepth = 3): fc.Arbitrary<unknown> {
	return fc.oneof(
		fc.jsonValue({ maxDepth }),
		fc.object({
			key: trickyString,
			maxDepth,
			values: [
				trickyString,
				fc.integer(),
				fc.double({ noNaN: true, noDefaultInfinity: true }),
				fc.boolean(),
				fc.constant(null),
			],
		}),
	);
}

const GUARDED = [Object.prototype, Function.prototype, Array.prototype, String.prototype];

/** The own keys of the shared prototypes and of their methods, to compare before and after. */
export function prototypeSnapshot(): string {
	return GUARDED.map((proto) =>
		Reflect.ownKeys(proto)
			.map((key) => {
				const descriptor = Object.getOwnPropertyDescriptor(proto, key);
				const method = descriptor?.value;
				const extra =
					typeof method === 'function' ? Reflect.ownKeys(method).map(String).join(',') : '';
				return `${String(key)}(${extra})`;
			})
			.join(' '),
	).join('\n');
}

/**
 * Whether the value is plain JSON data all the way down. JSON.stringify would silently drop a
 * function or undefined that a lookup on Object.prototype let in, so a round trip cannot tell.
 */
export function isPlainJson(value: unknown): boolean {
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
	if (typeof value === 'number') return Number.isFinite(value);
	if (Array.isArray(value)) return value.every(isPlainJson);
	if (typeof value !== 'object') return false;
	// Some realm's Object.prototype (jest's sandbox has its own), or none: no class instance.
	const proto = Object.getPrototypeOf(value);
	if (proto !== null && Object.getPrototypeOf(proto) !== null) return false;
	return Object.values(value).every(isPlainJson);
}

/**
 * Call inside a `describe`: fails the suite if anything it ran changed a shared prototype, as
 * input keyed "__proto__" or "toString" could if code looked it up in an object literal.
 */
export function expectPrototypesUntouched(): void {
	let before = '';
	beforeAll(() => {
		before = prototypeSnapshot();
	});
	afterAll(() => {
		expect(prototypeSnapshot()).toBe(before);
	});
}
