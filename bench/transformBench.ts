import type { IDataObject } from 'n8n-workflow';

import { mergeItem } from '../nodes/EmailEngineCorrelate/merge';
import { resolveItem } from '../nodes/EmailEngineCorrelate/resolve';
import { readEventInput } from '../nodes/shared/eventInput';
import { deliveryMetaFromHeaders, normalizeEvent, parsePayload } from '../nodes/shared/normalize';
import { loadFixtures, type Capture } from '../test/support/fixtures';
import { median, round } from './stats';
import { roundRatios, runRounds } from './rounds';

export const BATCH_ITEMS = 10_000;
export const HISTORY_SIZES = [10, 100, 1000] as const;

export interface TransformResult {
	items: number;
	subjectNsPerItem: number;
	cloneNsPerItem: number;
	/** Median of per-round ratios subject / structuredClone of the same items. */
	ratio: number;
}

export interface MergeHistoryResult {
	historySize: number;
	mergeUsPerCall: number;
	cloneUsPerCall: number;
	ratio: number;
	/** Time per history entry, to show how cost scales with the record. */
	mergeNsPerEntry: number;
}

let sink = 0;

/** What n8n's Webhook node emits for one request: `{headers, params, query, body}`. */
function webhookNodeItem(capture: Capture): IDataObject {
	return {
		headers: { ...capture.headers },
		params: {},
		query: {},
		body: JSON.parse(capture.body) as IDataObject,
	};
}

/** What the EmailEngine Trigger emits for one request (normalized output). */
function triggerItem(capture: Capture): IDataObject | null {
	if (capture.variant === 'route-mapped') return null;
	const parsed = parsePayload(JSON.parse(capture.body));
	if (!parsed.ok) throw new Error(`${capture.name}: ${parsed.message}`);
	return normalizeEvent(parsed.payload, deliveryMetaFromHeaders(capture.headers)) as IDataObject;
}

/** `count` items cycling through the sources, each its own object as items in n8n are. */
function batchOf(sources: IDataObject[], count: number): IDataObject[] {
	return Array.from({ length: count }, (_, index) =>
		structuredClone(sources[index % sources.length]),
	);
}

function compare(
	items: IDataObject[],
	subject: (item: IDataObject) => unknown,
	rounds: number,
): TransformResult {
	const measured = runRounds(
		[
			{
				name: 'clone',
				batch: () => {
					for (const item of items) sink ^= structuredClone(item) === item ? 1 : 0;
					return items.length;
				},
			},
			{
				name: 'subject',
				batch: () => {
					for (const item of items) sink ^= subject(item) === item ? 1 : 0;
					return items.length;
				},
			},
		],
		rounds,
	);
	return {
		items: items.length,
		subjectNsPerItem: round(median(measured.nsPerUnit.subject)),
		cloneNsPerItem: round(median(measured.nsPerUnit.clone)),
		ratio: round(median(roundRatios(measured, 'subject', 'clone'))),
	};
}

function expectOk(name: string, result: { ok: boolean; message?: string }): void {
	if (!result.ok) throw new Error(`${name} refused a benchmark item: ${result.message}`);
}

export function benchTransforms(options: { rounds: number }): {
	normalize: TransformResult;
	resolve: TransformResult;
	merge: TransformResult;
	mergeHistory: MergeHistoryResult[];
} {
	const captures = loadFixtures();
	const fromWebhookNode = captures.filter((c) => c.variant !== 'route-mapped').map(webhookNodeItem);
	const normalized = captures.map(triggerItem).filter((item): item is IDataObject => item !== null);
	// Merge only takes events that concern a sent message (a queue id or a Message-ID).
	const mergeable = normalized.filter((item) => mergeItem(item, '', 50).ok);

	const normalizeItems = batchOf(fromWebhookNode, BATCH_ITEMS);
	const resolveItems = batchOf(normalized, BATCH_ITEMS);
	const mergeItems = batchOf(mergeable, BATCH_ITEMS);
	for (const item of normalizeItems.slice(0, 200)) expectOk('Normalize', readEventInput(item));
	for (const item of resolveItems.slice(0, 200)) expectOk('Resolve', resolveItem(item));

	return {
		normalize: compare(normalizeItems, (item) => readEventInput(item), options.rounds),
		resolve: compare(resolveItems, (item) => resolveItem(item), options.rounds),
		merge: compare(mergeItems, (item) => mergeItem(item, '', 50), options.rounds),
		mergeHistory: HISTORY_SIZES.map((size) => benchMergeHistory(normalized, size, options.rounds)),
	};
}

/**
 * A record that already holds `size` events of one message (opens, as a long-lived message
 * gathers), and one more open merged into it, against a structured copy of record and event.
 */
function benchMergeHistory(
	normalized: IDataObject[],
	size: number,
	rounds: number,
): MergeHistoryResult {
	const open = normalized.find((item) => item.event === 'trackOpen');
	if (!open) throw new Error('No trackOpen capture to build a history from');
	const start = Date.parse(String(open.occurredAt));
	const openAt = (index: number): IDataObject => ({
		...structuredClone(open),
		eventId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
		occurredAt: new Date(start + index * 1000).toISOString(),
	});

	const limit = size + 1;
	let record: unknown = '';
	for (let index = 0; index < size; index++) {
		const step = mergeItem(openAt(index), record, limit);
		if (!step.ok) throw new Error(step.message);
		record = step.json.record;
	}
	const held = (record as { history: unknown[] }).history.length;
	if (held !== size) throw new Error(`History holds ${held} events, expected ${size}`);

	const next = openAt(size);
	const check = mergeItem(next, record, limit);
	if (!check.ok || !check.json.changed) throw new Error('The benchmark merge changed nothing');

	const calls = Math.max(5, Math.ceil(20_000 / size));
	const pair = { event: next, record };
	const measured = runRounds(
		[
			{
				name: 'clone',
				batch: () => {
					for (let call = 0; call < calls; call++) sink ^= structuredClone(pair) === pair ? 1 : 0;
					return calls;
				},
			},
			{
				name: 'merge',
				batch: () => {
					for (let call = 0; call < calls; call++)
						sink ^= mergeItem(next, record, limit).ok ? 1 : 0;
					return calls;
				},
			},
		],
		rounds,
	);
	const mergeNs = median(measured.nsPerUnit.merge);
	return {
		historySize: size,
		mergeUsPerCall: round(mergeNs / 1000),
		cloneUsPerCall: round(median(measured.nsPerUnit.clone) / 1000),
		ratio: round(median(roundRatios(measured, 'merge', 'clone'))),
		mergeNsPerEntry: round(mergeNs / size),
	};
}

export function transformSink(): number {
	return sink;
}
