import fc from 'fast-check';

import { receive, type ReceiveSettings } from '../../nodes/EmailEngineTrigger/receive';
import { EventIdMemory } from '../../nodes/shared/dedup';
import { ALL_EVENTS, EMAILENGINE_EVENTS } from '../../nodes/shared/events';
import {
	expectPrototypesUntouched,
	isPlainJson,
	nearPayload,
	PROTOTYPE_NAMES,
	trickyJson,
	trickyString,
} from '../support/arbitraries';
import { setAt } from '../support/badInput/schemaFields';
import { CAPTURE_SERVICE_SECRET, sign } from '../support/fixtures';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);

const names = EMAILENGINE_EVENTS.map((event) => event.name);
const payloads = nearPayload();

/** Bytes as EmailEngine could sign them: JSON of anything, real payloads changed, or not JSON. */
const body = fc.oneof(
	payloads.map((payload) => Buffer.from(JSON.stringify(payload))),
	fc
		.tuple(payloads, fc.constantFrom(...PROTOTYPE_NAMES))
		.map(([payload, event]) => Buffer.from(JSON.stringify({ ...payload, event }))),
	trickyJson(4).map((value) => Buffer.from(JSON.stringify(value) ?? '')),
	payloads.map((payload) => {
		const text = JSON.stringify(payload);
		return Buffer.from(text.slice(0, Math.floor(text.length / 2)));
	}),
	fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
);

/** EmailEngine's headers, each present or not, holding anything; plus headers under any name. */
const headerValues = fc.record(
	{
		'x-ee-wh-event-id': fc.oneof(fc.uuid(), trickyString),
		'x-ee-wh-attempts-made': fc.oneof(fc.nat({ max: 9 }).map(String), trickyString),
		'x-ee-wh-custom-route': trickyString,
	},
	{ requiredKeys: [] },
);
const extraHeaders = fc.dictionary(trickyString, fc.oneof(fc.string(), fc.array(fc.string())), {
	maxKeys: 3,
});

const settings: fc.Arbitrary<ReceiveSettings> = fc.record({
	secrets: fc.constant({ current: CAPTURE_SERVICE_SECRET }),
	acceptUnsigned: fc.boolean(),
	events: fc
		.subarray([ALL_EVENTS, ...names, ...PROTOTYPE_NAMES], { minLength: 1 })
		.map((selected) => new Set(selected)),
	accounts: fc.option(
		fc.subarray(['bob', 'alice', ...PROTOTYPE_NAMES], { minLength: 1 }).map((ids) => new Set(ids)),
	),
	output: fc.constantFrom<'normalized' | 'raw'>('normalized', 'raw'),
	includeRaw: fc.boolean(),
});

const request = fc.record({ body, headerValues, extraHeaders, settings });

/** Header names as Node hands them over: lower case, own properties, a value or a list. */
function headersFor(
	rawBody: Buffer,
	values: Record<string, string>,
	extra: Record<string, string | string[]>,
	signature = sign(rawBody, CAPTURE_SERVICE_SECRET),
) {
	const headers: Record<string, string | string[] | undefined> = {};
	for (const [name, value] of Object.entries(extra)) setAt(headers, [name.toLowerCase()], value);
	for (const [name, value] of Object.entries(values)) setAt(headers, [name], value);
	setAt(headers, ['x-ee-wh-signature'], signature);
	return headers;
}

const newMemory = () => new EventIdMemory({ windowMs: 60_000, maxIdsPerGeneration: 1_000 });

describe('the trigger deciding generated requests', () => {
	expectPrototypesUntouched();

	it('answers any signed request with a documented outcome, and never throws', () => {
		fc.assert(
			fc.property(
				request,
				({ body: raw, headerValues: values, extraHeaders: extra, settings: chosen }) => {
					const outcome = receive(raw, headersFor(raw, values, extra), chosen, newMemory());
					switch (outcome.kind) {
						case 'accept':
							expect(isPlainJson(outcome.item)).toBe(true);
							expect(outcome.keys.length).toBeGreaterThan(0);
							expect(outcome.keys.every((key) => typeof key === 'string' && key !== '')).toBe(true);
							if (outcome.event !== null) {
								expect(outcome.item.event).toBe(outcome.event);
								const selected = chosen.events.has(ALL_EVENTS) || chosen.events.has(outcome.event);
								expect(selected).toBe(true);
							}
							break;
						case 'ignore':
							expect(outcome.reason).toMatch(/^(Event|Account|This signed body) ./);
							break;
						case 'reject':
							expect([400, 422]).toContain(outcome.status);
							expect(outcome.message.length).toBeGreaterThan(0);
							// The log line names the kind of problem; the body stays out of it.
							expect(outcome.logReason).toMatch(/^(The request body|payload failed validation)/);
							break;
						default:
							throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
					}
				},
			),
			{ numRuns: RUNS },
		);
	});

	it('starts at most one execution per signed body, whatever event id comes with it', () => {
		fc.assert(
			fc.property(
				request,
				fc.oneof(fc.uuid(), trickyString),
				({ body: raw, headerValues: values, extraHeaders: extra, settings: chosen }, otherId) => {
					const memory = newMemory();
					const first = receive(raw, headersFor(raw, values, extra), chosen, memory);
					const replay = { ...values, 'x-ee-wh-event-id': otherId };
					const second = receive(raw, headersFor(raw, replay, extra), chosen, memory);
					if (first.kind === 'accept') {
						expect(second).toMatchObject({ kind: 'ignore' });
					} else {
						// What was not accepted left nothing behind: it is decided the same way again.
						expect(second.kind).toBe(first.kind);
					}
				},
			),
			{ numRuns: RUNS },
		);
	});

	it("answers 401 and reads nothing when the signature is not the body's", () => {
		fc.assert(
			fc.property(
				request,
				fc.oneof(fc.string(), fc.base64String(), fc.constantFrom(...PROTOTYPE_NAMES)),
				({ body: raw, headerValues: values, extraHeaders: extra, settings: chosen }, forged) => {
					fc.pre(forged !== sign(raw, CAPTURE_SERVICE_SECRET));
					const outcome = receive(raw, headersFor(raw, values, extra, forged), chosen, newMemory());
					expect(outcome).toMatchObject({ kind: 'reject', status: 401 });
				},
			),
			{ numRuns: RUNS },
		);
	});
});
