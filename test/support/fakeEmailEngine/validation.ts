import { invalidInput, type FieldError } from './errors';

/**
 * A small stand-in for the Joi schemas EmailEngine validates with (`abortEarly: false`,
 * `convert: true`). Messages follow Joi's default wording with the path as label; EmailEngine
 * puts them into `fields` as `{message, key}`.
 */
export type Rule = (value: unknown, path: string, errors: FieldError[]) => unknown;

function keyOf(path: string): string | number {
	const match = /(?:\.|^)([^.[\]]+)$|\[(\d+)\]$/.exec(path);
	if (!match) {
		return path;
	}
	return match[2] !== undefined ? Number(match[2]) : match[1];
}

function fail(errors: FieldError[], path: string, text: string): undefined {
	errors.push({ message: `"${path}" ${text}`, key: keyOf(path) });
	return undefined;
}

export const rules = {
	boolean(): Rule {
		return (value, path, errors) => {
			if (typeof value === 'boolean') return value;
			if (value === 'true') return true;
			if (value === 'false') return false;
			return fail(errors, path, 'must be a boolean');
		};
	},
	string(options: { max?: number; allowEmpty?: boolean } = {}): Rule {
		return (value, path, errors) => {
			if (typeof value !== 'string') return fail(errors, path, 'must be a string');
			if (!value && !options.allowEmpty) return fail(errors, path, 'is not allowed to be empty');
			if (options.max !== undefined && value.length > options.max) {
				return fail(
					errors,
					path,
					`length must be less than or equal to ${options.max} characters long`,
				);
			}
			return value;
		};
	},
	/** http/https URI; `''` allowed when `allowEmpty`. */
	uri(options: { allowEmpty?: boolean } = {}): Rule {
		return (value, path, errors) => {
			if (typeof value !== 'string') return fail(errors, path, 'must be a string');
			if (!value) {
				return options.allowEmpty ? value : fail(errors, path, 'is not allowed to be empty');
			}
			let parsed: URL | undefined;
			try {
				parsed = new URL(value);
			} catch {
				parsed = undefined;
			}
			if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
				return fail(
					errors,
					path,
					'must be a valid uri with a scheme matching the http|https pattern',
				);
			}
			return value;
		};
	},
	email(): Rule {
		return (value, path, errors) => {
			if (typeof value !== 'string') return fail(errors, path, 'must be a string');
			if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
				return fail(errors, path, 'must be a valid email');
			return value;
		};
	},
	integer(options: { min?: number; max?: number } = {}): Rule {
		return (value, path, errors) => {
			const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
			if (typeof number !== 'number' || Number.isNaN(number)) {
				return fail(errors, path, 'must be a number');
			}
			if (!Number.isInteger(number)) return fail(errors, path, 'must be an integer');
			if (options.min !== undefined && number < options.min) {
				return fail(errors, path, `must be greater than or equal to ${options.min}`);
			}
			if (options.max !== undefined && number > options.max) {
				return fail(errors, path, `must be less than or equal to ${options.max}`);
			}
			return number;
		};
	},
	isoDate(): Rule {
		return (value, path, errors) => {
			if (
				(typeof value !== 'string' && typeof value !== 'number') ||
				Number.isNaN(new Date(value).getTime())
			) {
				return fail(errors, path, 'must be a valid date');
			}
			return new Date(value).toISOString();
		};
	},
	array(item: Rule): Rule {
		return (value, path, errors) => {
			if (!Array.isArray(value)) return fail(errors, path, 'must be an array');
			return value.map((entry, index) => item(entry, `${path}[${index}]`, errors));
		};
	},
	/** A nested object; `unknown: true` accepts keys the schema does not list. */
	object(shape: Record<string, Rule>, options: { unknown?: boolean } = {}): Rule {
		return (value, path, errors) => {
			if (!value || typeof value !== 'object' || Array.isArray(value)) {
				return fail(errors, path, 'must be of type object');
			}
			return validateShape(value as Record<string, unknown>, shape, errors, path, options.unknown);
		};
	},
	/** Anything that is not undefined. */
	any(): Rule {
		return (value) => value;
	},
	oneOf(...alternatives: Rule[]): Rule {
		return (value, path, errors) => {
			let firstErrors: FieldError[] | undefined;
			for (const alternative of alternatives) {
				const attempt: FieldError[] = [];
				const result = alternative(value, path, attempt);
				if (!attempt.length) return result;
				firstErrors ??= attempt;
			}
			errors.push(...(firstErrors ?? []));
			return undefined;
		};
	},
	nullable(rule: Rule): Rule {
		return (value, path, errors) => (value === null ? null : rule(value, path, errors));
	},
};

/** `{key, value}` lists such as `webhooksCustomHeaders`. */
export const headerListRule = rules.array(
	rules.object({
		key: rules.string({ max: 1024 }),
		value: rules.string({ max: 10 * 1024, allowEmpty: true }),
	}),
);

/** `{name?, address}` as the submit API takes it. */
export const addressRule = rules.object({
	name: rules.string({ max: 256, allowEmpty: true }),
	address: rules.email(),
});

function validateShape(
	input: Record<string, unknown>,
	shape: Record<string, Rule>,
	errors: FieldError[],
	prefix: string,
	allowUnknown = false,
): Record<string, unknown> {
	const output: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(input)) {
		const path = prefix ? `${prefix}.${key}` : key;
		const rule = shape[key];
		if (!rule) {
			if (allowUnknown) {
				output[key] = value;
			} else {
				fail(errors, path, 'is not allowed');
			}
			continue;
		}
		if (value === undefined) continue;
		output[key] = rule(value, path, errors);
	}
	return output;
}

/**
 * Validates a request payload or query against a flat shape. Throws EmailEngine's 400
 * `Invalid input` listing every problem; returns the converted values otherwise.
 */
export function validate(
	input: unknown,
	shape: Record<string, Rule>,
	required: string[] = [],
): Record<string, unknown> {
	const errors: FieldError[] = [];
	if (input === undefined || input === null) {
		input = {};
	}
	if (typeof input !== 'object' || Array.isArray(input)) {
		throw invalidInput([{ message: '"value" must be of type object', key: 'value' }]);
	}
	const output = validateShape(input as Record<string, unknown>, shape, errors, '');
	for (const key of required) {
		if ((input as Record<string, unknown>)[key] === undefined) {
			fail(errors, key, 'is required');
		}
	}
	if (errors.length) {
		throw invalidInput(errors);
	}
	return output;
}
