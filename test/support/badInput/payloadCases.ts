import { EMAILENGINE_EVENTS } from '../../../nodes/shared/events';
import { dataSchemas, envelopeSchema } from '../../../nodes/shared/schemas';
import { fixture, fixtureJson, loadFixtures, type Capture } from '../fixtures';
import { badRequest, invalidPayload, json, signedHeaders, withArticle } from './requests';
import { schemaFields, setAt, validSample, WRONG_VALUES, type JsonKind } from './schemaFields';
import type { BadRequestCase } from './types';

type Payload = Record<string, unknown>;

interface EventBase {
	event: string;
	capture: Capture;
	payload: Payload;
}

/**
 * A valid payload per event type: the capture's body where one exists, with every optional
 * field the schema declares filled in, so that one wrong field makes exactly one problem.
 */
export function eventBases(): EventBase[] {
	const template = fixture('messageSent-account-1');
	return EMAILENGINE_EVENTS.map(({ name }) => {
		const capture = loadFixtures().find(
			(candidate) => candidate.event === name && candidate.variant !== 'route-mapped',
		);
		const sample = validSample(dataSchemas[name]) as Payload;
		if (!capture) {
			const envelope = fixtureJson<Payload>(template);
			return {
				event: name,
				capture: template,
				payload: { ...envelope, event: name, data: sample },
			};
		}
		const payload = fixtureJson<Payload>(capture);
		return {
			event: name,
			capture,
			payload: { ...payload, data: mergeUnder(sample, payload.data as Payload) },
		};
	});
}

function mergeUnder(defaults: Payload, actual: Payload): Payload {
	const merged: Payload = { ...defaults };
	for (const [key, value] of Object.entries(actual)) {
		const base = defaults[key];
		merged[key] = isPlainObject(base) && isPlainObject(value) ? mergeUnder(base, value) : value;
	}
	return merged;
}

function isPlainObject(value: unknown): value is Payload {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const KINDS: JsonKind[] = ['string', 'number', 'boolean', 'array', 'object', 'null'];

function signedCase(
	id: string,
	category: BadRequestCase['category'],
	base: EventBase,
	body: Buffer,
	expect: BadRequestCase['expect'],
): BadRequestCase {
	return { id, category, trigger: 'all', headers: signedHeaders(base.capture, body), body, expect };
}

/**
 * A wrong JSON type in every field the schemas declare, signed as EmailEngine would sign it:
 * every kind in the envelope's fields, two kinds (rotating) in each event's data fields.
 */
export function wrongTypeCases(): BadRequestCase[] {
	const cases: BadRequestCase[] = [];
	const bases = eventBases();
	let rotation = 0;

	for (const field of schemaFields(envelopeSchema)) {
		const base = bases[0];
		for (const kind of wrongKinds(field.expected, field.nullable)) {
			const payload = structuredClone(base.payload);
			setAt(payload, field.path, WRONG_VALUES[kind]);
			const name = field.path.join('.');
			cases.push(
				signedCase(
					`wrong-type/envelope/${name}/${kind}`,
					'wrong-type',
					base,
					json(payload),
					invalidPayload(typeMessage(name, field.expected, kind)),
				),
			);
		}
	}

	for (const base of bases) {
		for (const field of schemaFields(dataSchemas[base.event as keyof typeof dataSchemas])) {
			const kinds = wrongKinds(field.expected, field.nullable);
			const chosen = [kinds[rotation % kinds.length], kinds[(rotation + 1) % kinds.length]];
			rotation++;
			for (const kind of chosen) {
				const payload = structuredClone(base.payload);
				setAt(payload, ['data', ...field.path], WRONG_VALUES[kind]);
				const name = ['data', ...field.path].join('.');
				cases.push(
					signedCase(
						`wrong-type/${base.event}/${name}/${kind}`,
						'wrong-type',
						base,
						json(payload),
						invalidPayload(`${base.event}: ${typeMessage(name, field.expected, kind)}`),
					),
				);
			}
		}
	}
	return cases;
}

function wrongKinds(expected: JsonKind | 'union', nullable: boolean): JsonKind[] {
	return KINDS.filter((kind) => kind !== expected && !(nullable && kind === 'null')).filter(
		// A union of a string and `false` accepts those two.
		(kind) => !(expected === 'union' && (kind === 'string' || kind === 'boolean')),
	);
}

function typeMessage(field: string, expected: JsonKind | 'union', received: JsonKind): string {
	if (expected === 'union') return `${field}: Invalid input`;
	return `${field} must be ${withArticle(expected)}, not ${withArticle(received)}`;
}

/** Every field EmailEngine always sends, left out. */
export function missingFieldCases(): BadRequestCase[] {
	const cases: BadRequestCase[] = [];
	for (const base of eventBases()) {
		const required = schemaFields(dataSchemas[base.event as keyof typeof dataSchemas]).filter(
			(field) => !field.optional && typeof field.path[field.path.length - 1] === 'string',
		);
		for (const field of required) {
			const payload = structuredClone(base.payload);
			removeAt(payload, ['data', ...field.path]);
			const name = ['data', ...field.path].join('.');
			cases.push(
				signedCase(
					`missing-field/${base.event}/${name}`,
					'missing-field',
					base,
					json(payload),
					invalidPayload(
						// zod reports a missing union as an invalid one; the field is still named.
						field.expected === 'union'
							? `${base.event}: ${name}: Invalid input`
							: `${base.event}: ${name} is missing`,
					),
				),
			);
		}
		const withoutData = structuredClone(base.payload);
		delete withoutData.data;
		cases.push(
			signedCase(
				`missing-field/${base.event}/data`,
				'missing-field',
				base,
				json(withoutData),
				invalidPayload(`data is missing for event ${base.event}`),
			),
		);
	}

	const base = eventBases()[0];
	for (const name of ['account', 'date']) {
		const payload = structuredClone(base.payload);
		delete payload[name];
		cases.push(
			signedCase(
				`missing-field/envelope/${name}`,
				'missing-field',
				base,
				json(payload),
				invalidPayload(`${name} is missing`),
			),
		);
	}
	const noEvent = structuredClone(base.payload);
	delete noEvent.event;
	cases.push(
		signedCase(
			'missing-field/envelope/event',
			'missing-field',
			base,
			json(noEvent),
			invalidPayload('Not an EmailEngine webhook payload: the field "event" is missing'),
		),
	);
	return cases;
}

function removeAt(target: Payload, path: Array<string | number>) {
	let node = target as Record<string | number, unknown>;
	for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
	delete node[path[path.length - 1]];
}

/** Signed JSON that is not an object, or an object that is no EmailEngine payload. */
export function notAPayloadCases(): BadRequestCase[] {
	const base = eventBases()[0];
	const notObjects: Array<[string, string, string]> = [
		['array', '[1,2]', 'an array'],
		['empty-array', '[]', 'an array'],
		['string', '"messageSent"', 'a string'],
		['number', '42', 'a number'],
		['negative-exponent', '-1.5e-300', 'a number'],
		['boolean', 'true', 'a boolean'],
		['null', 'null', 'null'],
	];
	const objects: Array<[string, unknown, string]> = [
		['empty-object', {}, 'Not an EmailEngine webhook payload: the field "event" is missing'],
		[
			'other-service',
			{ type: 'push', ref: 'main' },
			'Not an EmailEngine webhook payload: the field "event" is missing',
		],
		[
			'empty-event',
			{ ...base.payload, event: '' },
			'event: String must contain at least 1 character(s)',
		],
		[
			'proto-key',
			JSON.parse('{"__proto__":{"event":"messageSent"},"date":"x","account":"bob"}'),
			'Not an EmailEngine webhook payload: the field "event" is missing',
		],
	];
	return [
		...notObjects.map(([name, text, kind]) =>
			signedCase(
				`not-a-payload/${name}`,
				'not-a-payload',
				base,
				Buffer.from(text),
				badRequest(`The request body must be a JSON object, not ${kind}`),
			),
		),
		...objects.map(([name, value, message]) =>
			signedCase(
				`not-a-payload/${name}`,
				'not-a-payload',
				base,
				// JSON.stringify drops an own __proto__ key, so that body is written out by hand.
				name === 'proto-key'
					? Buffer.from('{"__proto__":{"event":"messageSent"},"date":"x","account":"bob"}')
					: json(value),
				invalidPayload(message),
			),
		),
	];
}
