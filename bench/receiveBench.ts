import { createHmac, randomUUID } from 'node:crypto';

import {
	EventIdMemory,
	DEFAULT_DEDUP_WINDOW_MS,
	DEFAULT_MAX_IDS_PER_GENERATION,
} from '../nodes/shared/dedup';
import { signBody } from '../nodes/shared/signature';
import {
	receive,
	type IncomingHeaders,
	type Outcome,
	type ReceiveSettings,
} from '../nodes/EmailEngineTrigger/receive';
import { CAPTURE_SERVICE_SECRET, loadFixtures, type Capture } from '../test/support/fixtures';
import { median, round } from './stats';
import { roundRatios, runRounds } from './rounds';

const EVENT_ID_HEADER = 'x-ee-wh-event-id';

export interface ReceiveCaseResult {
	/** Requests in one pass over the case's captures. */
	requests: number;
	receiveNsPerEvent: number;
	floorNsPerEvent: number;
	/** Median of the per-round ratios receive / floor. */
	ratio: number;
}

interface Request {
	bytes: Buffer;
	headers: IncomingHeaders;
}

type CaseName = 'accepted' | 'acceptedRaw' | 'unselected' | 'duplicate' | 'forged';

interface Case {
	name: CaseName;
	expected: Outcome['kind'];
	settings: ReceiveSettings;
	/** The requests of one pass; called before every timed batch so event ids can be fresh. */
	requests: () => Request[];
	memory: () => EventIdMemory;
}

function settings(overrides: Partial<ReceiveSettings> = {}): ReceiveSettings {
	return {
		secrets: { current: CAPTURE_SERVICE_SECRET },
		acceptUnsigned: false,
		events: new Set(['*']),
		accounts: null,
		output: 'normalized',
		includeRaw: false,
		...overrides,
	};
}

function newMemory(): EventIdMemory {
	return new EventIdMemory({
		windowMs: DEFAULT_DEDUP_WINDOW_MS,
		maxIdsPerGeneration: DEFAULT_MAX_IDS_PER_GENERATION,
	});
}

/** The capture's request with a new event id, as EmailEngine sends for each new event. */
function withFreshEventId(capture: Capture): Request {
	const headers: IncomingHeaders = { ...capture.headers };
	if (headers[EVENT_ID_HEADER] !== undefined) headers[EVENT_ID_HEADER] = randomUUID();
	return { bytes: capture.bytes, headers };
}

function asCaptured(capture: Capture): Request {
	return { bytes: capture.bytes, headers: { ...capture.headers } };
}

function forged(capture: Capture): Request {
	const headers: IncomingHeaders = { ...capture.headers };
	headers['x-ee-wh-signature'] = signBody(capture.bytes, 'not-the-service-secret');
	return { bytes: capture.bytes, headers };
}

function cases(captures: Capture[]): Case[] {
	const unselected = settings({ events: new Set(['exportCompleted']) });
	// A mapped route's body has no event name, so no event selection can drop it.
	const withEvent = captures.filter((capture) => capture.variant !== 'route-mapped');
	const withEventId = captures.filter((capture) => capture.headers[EVENT_ID_HEADER] !== undefined);
	// Every real event has its own body; a route and the main URL deliver the same one, which the
	// trigger (rightly) counts once, so each body appears once among the accepted requests.
	const distinctBodies = captures.filter(
		(capture, index) =>
			captures.findIndex(
				(other) => other.headers['x-ee-wh-signature'] === capture.headers['x-ee-wh-signature'],
			) === index,
	);
	const seenMemory = newMemory();
	for (const capture of withEventId) seenMemory.checkAndRecord(capture.headers[EVENT_ID_HEADER]);

	const shared = newMemory();
	return [
		{
			name: 'accepted',
			expected: 'accept',
			settings: settings(),
			requests: () => distinctBodies.map(withFreshEventId),
			// The trigger also remembers each body's signature, so every pass needs a fresh memory.
			memory: newMemory,
		},
		{
			name: 'acceptedRaw',
			expected: 'accept',
			settings: settings({ output: 'raw' }),
			requests: () => distinctBodies.map(withFreshEventId),
			memory: newMemory,
		},
		{
			name: 'unselected',
			expected: 'ignore',
			settings: unselected,
			requests: () => withEvent.map(withFreshEventId),
			memory: () => shared,
		},
		{
			name: 'duplicate',
			expected: 'ignore',
			settings: settings(),
			requests: () => withEventId.map(asCaptured),
			memory: () => seenMemory,
		},
		{
			name: 'forged',
			expected: 'reject',
			settings: settings(),
			requests: () => captures.map(forged),
			memory: () => shared,
		},
	];
}

let sink = 0;

/** What any correct receiver pays: one HMAC-SHA256 over the raw body and one JSON parse. */
function floor(request: Request): void {
	const digest = createHmac('sha256', CAPTURE_SERVICE_SECRET).update(request.bytes).digest();
	const body = JSON.parse(request.bytes.toString('utf8')) as unknown;
	sink ^= digest[0] ^ (body === null ? 0 : 1);
}

function checkOutcomes(entry: Case): void {
	const memory = entry.name === 'duplicate' ? entry.memory() : newMemory();
	for (const request of entry.requests()) {
		const outcome = receive(request.bytes, request.headers, entry.settings, memory);
		if (outcome.kind !== entry.expected) {
			throw new Error(
				`Case ${entry.name}: expected ${entry.expected}, got ${JSON.stringify(outcome).slice(0, 300)}`,
			);
		}
	}
}

/** How many passes over the captures make a batch of about `targetMs`. */
function passesFor(requests: Request[], targetMs: number): number {
	const started = process.hrtime.bigint();
	for (let pass = 0; pass < 5; pass++) for (const request of requests) floor(request);
	const passMs = Number(process.hrtime.bigint() - started) / 5 / 1e6;
	return Math.max(1, Math.ceil(targetMs / passMs));
}

export function benchReceive(options: {
	rounds: number;
	batchMs: number;
}): Record<CaseName, ReceiveCaseResult> {
	const captures = loadFixtures();
	const results = {} as Record<CaseName, ReceiveCaseResult>;

	for (const entry of cases(captures)) {
		checkOutcomes(entry);
		const sample = entry.requests();
		// The floor is several times cheaper than receive(), so it gets more passes per batch.
		const floorPasses = passesFor(sample, options.batchMs);
		const receivePasses = Math.max(1, Math.ceil(floorPasses / 4));
		let batch: Request[][] = [];
		const prepare = (passes: number) => () => {
			batch = [];
			for (let pass = 0; pass < passes; pass++) batch.push(entry.requests());
		};

		const measured = runRounds(
			[
				{
					name: 'floor',
					prepare: prepare(floorPasses),
					batch: () => {
						let count = 0;
						for (const pass of batch) {
							for (const request of pass) floor(request);
							count += pass.length;
						}
						return count;
					},
				},
				{
					name: 'receive',
					prepare: prepare(receivePasses),
					batch: () => {
						let count = 0;
						for (const pass of batch) {
							const memory = entry.memory();
							for (const request of pass) {
								const outcome = receive(request.bytes, request.headers, entry.settings, memory);
								sink ^= outcome.kind.length;
							}
							count += pass.length;
						}
						return count;
					},
				},
			],
			options.rounds,
		);

		results[entry.name] = {
			requests: sample.length,
			receiveNsPerEvent: round(median(measured.nsPerUnit.receive)),
			floorNsPerEvent: round(median(measured.nsPerUnit.floor)),
			ratio: round(median(roundRatios(measured, 'receive', 'floor'))),
		};
	}
	if (sink === 0.5) process.stdout.write('');
	return results;
}
