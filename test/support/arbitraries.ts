import fc from 'fast-check';

import { EMAILENGINE_EVENTS } from '../../nodes/shared/events';
import { dataSchemas } from '../../nodes/shared/schemas';
import { eventBases } from './badInput/payloadCases';
import { schemaFields, setAt } from './badInput/schemaFields';

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

export type JsonPath = Array<string | number>;

/**
 * Copies of a generated base with one to `maxEdits` values set at generated paths. Each value is
 * copied in: fast-check hands out the same constant object again, and an edit must not reach it.
 */
export function edited<T extends object>(
	base: fc.Arbitrary<T>,
	path: fc.Arbitrary<JsonPath>,
	value: fc.Arbitrary<unknown>,
	maxEdits = 3,
): fc.Arbitrary<T> {
	return fc
		.record({
			base,
			edits: fc.array(fc.record({ path, value }), { minLength: 1, maxLength: maxEdits }),
		})
		.map(({ base: chosen, edits }) => {
			const copy = structuredClone(chosen);
			for (const edit of edits) {
				setAt(copy as Record<string, unknown>, edit.path, structuredClone(edit.value));
			}
			return copy;
		});
}

/**
 * A real payload of any event with fields set to any value: its declared fields (from the
 * event's schema), envelope fields, and keys under any name at the top and in `data`.
 */
export function nearPayload(): fc.Arbitrary<Record<string, unknown>> {
	const names = EMAILENGINE_EVENTS.map((event) => event.name);
	const value = fc.oneof(trickyString, trickyJson(3), fc.constantFrom(...names));
	return fc.oneof(
		...eventBases().map((base) =>
			edited(
				fc.constant(base.payload),
				fc.oneof(
					fc.constantFrom<JsonPath>(
						...['account', 'date', 'event', 'path', 'specialUse', 'data'].map((key) => [key]),
						...schemaFields(dataSchemas[base.event as keyof typeof dataSchemas]).map(
							(field): JsonPath => ['data', ...field.path],
						),
					),
					trickyString.map((key): JsonPath => ['data', key]),
					trickyString.map((key): JsonPath => [key]),
				),
				value,
				4,
			),
		),
	);
}

const GUARDED = [Object.prototype, Function.prototype, Array.prototype, String.prototype];

/** The own keys of the shared prototypes and of their methods, to compare before and after. */
function prototypeSnapshot(): string {
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
