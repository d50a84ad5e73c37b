import type { z } from 'zod';

/**
 * Reads the payload schemas the way a tester reads a spec: every declared field, where it sits,
 * what JSON type it must have, and a valid value for it. The corpus uses this to put a wrong
 * type into every field of every event.
 */
export type JsonKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';

export interface SchemaField {
	/** Path inside the schema's object, e.g. `['envelope', 'to', 0]`. */
	path: Array<string | number>;
	/** The type zod names in its message; `union` for a field that accepts several. */
	expected: JsonKind | 'union';
	nullable: boolean;
	/** The payload may leave it out. */
	optional: boolean;
}

type AnyDef = { typeName: string; [key: string]: unknown };

const defOf = (schema: z.ZodTypeAny) => schema._def as AnyDef;

function unwrap(schema: z.ZodTypeAny) {
	let inner = schema;
	let nullable = false;
	let optional = false;
	for (;;) {
		const def = defOf(inner);
		if (def.typeName === 'ZodOptional') {
			optional = true;
			inner = def.innerType as z.ZodTypeAny;
		} else if (def.typeName === 'ZodNullable') {
			nullable = true;
			inner = def.innerType as z.ZodTypeAny;
		} else return { inner, nullable, optional };
	}
}

const KIND_OF_TYPE: Record<string, JsonKind | 'union' | undefined> = {
	ZodString: 'string',
	ZodNumber: 'number',
	ZodBoolean: 'boolean',
	ZodArray: 'array',
	ZodObject: 'object',
	ZodRecord: 'object',
	ZodUnion: 'union',
};

/** Every field with a checked type, depth first; array elements appear as index 0. */
export function schemaFields(
	schema: z.ZodTypeAny,
	path: Array<string | number> = [],
): SchemaField[] {
	const { inner, nullable, optional } = unwrap(schema);
	const def = defOf(inner);
	const expected = KIND_OF_TYPE[def.typeName];
	if (!expected) return [];

	const here: SchemaField[] = path.length > 0 ? [{ path, expected, nullable, optional }] : [];
	if (def.typeName === 'ZodObject') {
		const shape = (inner as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
		return [
			...here,
			...Object.entries(shape).flatMap(([key, field]) => schemaFields(field, [...path, key])),
		];
	}
	if (def.typeName === 'ZodArray') {
		return [...here, ...schemaFields(def.type as z.ZodTypeAny, [...path, 0])];
	}
	return here;
}

/** A value that satisfies the schema, with every optional field present. */
export function validSample(schema: z.ZodTypeAny): unknown {
	const { inner } = unwrap(schema);
	const def = defOf(inner);
	switch (def.typeName) {
		case 'ZodString':
			return 'sample';
		case 'ZodNumber':
			return 1;
		case 'ZodBoolean':
			return true;
		case 'ZodLiteral':
			return def.value;
		case 'ZodArray':
			return [validSample(def.type as z.ZodTypeAny)];
		case 'ZodRecord':
			return {};
		case 'ZodUnion':
			return validSample((def.options as z.ZodTypeAny[])[0]);
		case 'ZodObject': {
			const shape = (inner as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
			return Object.fromEntries(
				Object.entries(shape).map(([key, field]) => [key, validSample(field)]),
			);
		}
		default:
			return null;
	}
}

/**
 * Sets `value` at `path`, creating objects and arrays on the way. Mutates `target`. Keys become
 * own properties, as JSON.parse makes them, so a "__proto__" key is data, not a prototype.
 */
export function setAt(
	target: Record<string, unknown>,
	path: Array<string | number>,
	value: unknown,
) {
	const define = (node: object, key: string | number, inner: unknown) =>
		Object.defineProperty(node, key, {
			value: inner,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	let node: Record<string | number, unknown> = target;
	path.slice(0, -1).forEach((key, index) => {
		const nextIsIndex = typeof path[index + 1] === 'number';
		const existing = Object.hasOwn(node, key) ? node[key] : undefined;
		if (existing === null || typeof existing !== 'object') define(node, key, nextIsIndex ? [] : {});
		node = node[key] as Record<string | number, unknown>;
	});
	define(node, path[path.length - 1], value);
}

/** A JSON value of each kind, all different from what a field of `expected` kind accepts. */
export const WRONG_VALUES: Record<JsonKind, unknown> = {
	string: 'not-the-right-type',
	number: 421,
	boolean: false,
	array: ['x', 1],
	object: { nested: true },
	null: null,
};
