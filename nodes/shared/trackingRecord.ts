import { createHash } from 'node:crypto';
import { z } from 'zod';

import { correlate } from './correlation';
import { canonicalMessageId } from './messageId';
import type { NormalizedEvent } from './normalize';
import { describeIssues } from './schemas';

/*
 * A tracking record follows one sent message through its events. Merging an event into it is a
 * join: every field is either a maximum over an order (the state lattice, attempt counts, last
 * times), a minimum (first times), or a set union (history, Message-IDs), so folding the same
 * events in any order and any number of times gives the same record.
 */

export const TRACKING_STATES = [
	'queued',
	'deferred',
	'sent',
	'failed',
	'bounced',
	'complained',
] as const;
export type TrackingState = (typeof TRACKING_STATES)[number];

/**
 * Later in the list wins. A bounce or a complaint can only follow an accepted message, so a
 * `messageSent` arriving after either never makes the message "sent" again; a complaint is the
 * strongest signal a sender gets and outranks a bounce.
 */
const RANK: Record<TrackingState, number> = {
	queued: 0,
	deferred: 1,
	sent: 2,
	failed: 3,
	bounced: 4,
	complained: 5,
};

export const DEFAULT_HISTORY_LIMIT = 50;
export const RECORD_VERSION = 1;

export interface RecipientOutcome {
	state: TrackingState;
	/** When the recipient first reached that state. */
	since: string;
}

export interface EventTimes {
	first: string;
	last: string;
	/** Distinct events of this type in the history. */
	count: number;
}

export interface HistoryEntry {
	eventId: string;
	event: string;
	occurredAt: string;
	/** The state or engagement this event stands for, if any. */
	outcome: string | null;
	recipients: string[];
	/** The SMTP answer, error, bounce status or clicked link, whichever the event has. */
	detail: string | null;
}

export interface TrackingRecord {
	version: number;
	trackingKey: string | null;
	reference: string | null;
	account: string | null;
	queueId: string | null;
	/** The Message-ID the message was queued with. */
	messageId: string | null;
	/** Every Message-ID seen for the message, including one a relay substituted. */
	messageIds: string[];
	state: TrackingState;
	opened: boolean;
	clicked: boolean;
	unsubscribed: boolean;
	recipients: Record<string, RecipientOutcome>;
	attempts: { failed: number; max: number | null };
	events: Record<string, EventTimes>;
	firstEventAt: string | null;
	lastEventAt: string | null;
	history: HistoryEntry[];
	/** True once the history had to drop events to stay within its limit. */
	historyTruncated: boolean;
}

/** One event reduced to what the record keeps of it. */
export interface Observation {
	eventId: string;
	event: string;
	occurredAt: string;
	state: TrackingState | null;
	engagement: string | null;
	recipients: string[];
	attempt: number | null;
	maxAttempts: number | null;
	account: string | null;
	queueId: string | null;
	queuedMessageId: string | null;
	messageIds: string[];
	reference: string | null;
	detail: string | null;
}

export class RecordConflictError extends Error {}

export function emptyRecord(): TrackingRecord {
	return {
		version: RECORD_VERSION,
		trackingKey: null,
		reference: null,
		account: null,
		queueId: null,
		messageId: null,
		messageIds: [],
		state: 'queued',
		opened: false,
		clicked: false,
		unsubscribed: false,
		recipients: {},
		attempts: { failed: 0, max: null },
		events: {},
		firstEventAt: null,
		lastEventAt: null,
		history: [],
		historyTruncated: false,
	};
}

const stateSchema = z.enum(TRACKING_STATES);
const nullableString = z.string().nullable();

const recordSchema = z.object({
	version: z.number().refine((version) => version === RECORD_VERSION, {
		message: `must be ${RECORD_VERSION}, the version this node writes`,
	}),
	trackingKey: nullableString,
	reference: nullableString,
	account: nullableString,
	queueId: nullableString,
	messageId: nullableString,
	messageIds: z.array(z.string()),
	state: stateSchema,
	opened: z.boolean(),
	clicked: z.boolean(),
	unsubscribed: z.boolean(),
	recipients: z.record(z.object({ state: stateSchema, since: z.string() })),
	attempts: z.object({ failed: z.number().int().min(0), max: z.number().int().nullable() }),
	events: z.record(
		z.object({ first: z.string(), last: z.string(), count: z.number().int().min(0) }),
	),
	firstEventAt: nullableString,
	lastEventAt: nullableString,
	history: z.array(
		z.object({
			eventId: z.string(),
			event: z.string(),
			occurredAt: z.string(),
			outcome: nullableString,
			recipients: z.array(z.string()),
			detail: nullableString,
		}),
	),
	historyTruncated: z.boolean(),
});

export type RecordParseResult =
	| { ok: true; record: TrackingRecord; isNew: boolean }
	| { ok: false; message: string };

/**
 * Accepts what a workflow stored: the record object, its JSON text (a Data Table column), or
 * nothing yet (empty string, null, `{}`), which starts a new record.
 */
export function parseRecord(value: unknown): RecordParseResult {
	let candidate = value;
	if (typeof candidate === 'string') {
		if (candidate.trim() === '') return { ok: true, record: emptyRecord(), isNew: true };
		try {
			candidate = JSON.parse(candidate);
		} catch (error) {
			return {
				ok: false,
				message: `The tracking record is not valid JSON (${(error as Error).message})`,
			};
		}
	}
	if (candidate === null || candidate === undefined) {
		return { ok: true, record: emptyRecord(), isNew: true };
	}
	if (typeof candidate === 'object' && !Array.isArray(candidate)) {
		if (Object.keys(candidate).length === 0)
			return { ok: true, record: emptyRecord(), isNew: true };
	}
	const parsed = recordSchema.safeParse(candidate);
	if (!parsed.success) {
		return {
			ok: false,
			message: `The tracking record is not one this node wrote: ${describeIssues(parsed.error, 'record')}`,
		};
	}
	return { ok: true, record: parsed.data as TrackingRecord, isNew: false };
}

/** What one event contributes to a record. */
export function observeEvent(event: NormalizedEvent, correlation = correlate(event)): Observation {
	const state: TrackingState | null = event.deliveryState ?? null;
	const queueId = event.event === 'messageBounce' ? null : event.queueId;
	return {
		eventId: event.eventId ?? contentId(event),
		event: event.event,
		occurredAt: event.occurredAt ?? '',
		state,
		engagement: event.engagement,
		recipients: recipientKeys(event.recipients),
		attempt: event.retry?.attempt ?? null,
		maxAttempts: event.retry?.maxAttempts ?? null,
		account: event.account,
		queueId,
		queuedMessageId: correlation.queuedMessageId,
		messageIds: correlation.messageIds,
		reference: correlation.reference,
		detail: detailOf(event),
	};
}

const submissionSchema = z.object({
	queueId: z.string().min(1),
	messageId: z.string().min(1),
	account: nullableString.optional(),
	reference: nullableString.optional(),
	recipients: z.array(z.string()).optional(),
	submittedAt: z.string().optional(),
	sendAt: nullableString.optional(),
});

/** The EmailEngine node's Send output, which starts a record in the `queued` state. */
export type Submission = z.infer<typeof submissionSchema>;

/** Whether the item claims to be a Send output; `parseSubmission` then checks its fields. */
export function isSubmission(value: Record<string, unknown>): boolean {
	return (
		typeof value.queueId === 'string' &&
		typeof value.messageId === 'string' &&
		!('event' in value) &&
		(value.response === 'Queued for delivery' || typeof value.submittedAt === 'string')
	);
}

export type SubmissionParseResult =
	| { ok: true; submission: Submission }
	| { ok: false; message: string };

export function parseSubmission(value: unknown): SubmissionParseResult {
	const parsed = submissionSchema.safeParse(value);
	if (parsed.success) return { ok: true, submission: parsed.data };
	return {
		ok: false,
		message: `The submission is not one the EmailEngine node returned: ${describeIssues(parsed.error)}`,
	};
}

export function observeSubmission(submission: Submission): Observation {
	const messageId = canonicalMessageId(submission.messageId);
	return {
		eventId: `submitted:${submission.queueId}`,
		event: 'submitted',
		occurredAt: submission.submittedAt ?? submission.sendAt ?? '',
		state: 'queued',
		engagement: null,
		recipients: recipientKeys(submission.recipients ?? []),
		attempt: null,
		maxAttempts: null,
		account: submission.account ?? null,
		queueId: submission.queueId,
		queuedMessageId: messageId,
		messageIds: messageId ? [messageId] : [],
		reference: submission.reference ?? null,
		detail: null,
	};
}

export interface FoldResult {
	record: TrackingRecord;
	changed: boolean;
}

/**
 * Merges one observation into a record. Throws `RecordConflictError` when the two cannot be
 * the same message (different queue ids or queued Message-IDs), so that a lookup mistake never
 * mixes two messages' histories.
 */
export function foldObservation(
	record: TrackingRecord,
	observation: Observation,
	historyLimit = DEFAULT_HISTORY_LIMIT,
): FoldResult {
	assertSameMessage(record, observation);

	const history = new Map(record.history.map((entry) => [entry.eventId, entry]));
	const entry = historyEntry(observation);
	const existing = history.get(entry.eventId);
	history.set(entry.eventId, existing ? smaller(existing, entry) : entry);
	const kept = [...history.values()].sort(byRetention).slice(0, Math.max(1, historyLimit));
	const truncated = record.historyTruncated || kept.length < history.size;

	// Maps, not object literals: event names and addresses come from input, and a key such as
	// "constructor" or "__proto__" must be a key like any other, not a lookup on Object.prototype.
	const events = new Map<string, EventTimes>(
		Object.entries(record.events).map(([type, times]) => [type, { ...times }]),
	);
	const time = observation.occurredAt;
	const known = events.get(observation.event);
	events.set(
		observation.event,
		known
			? { first: earliest(known.first, time), last: latest(known.last, time), count: 0 }
			: { first: time, last: time, count: 0 },
	);
	for (const times of events.values()) times.count = 0;
	for (const held of kept) {
		const times = events.get(held.event);
		if (times) times.count++;
	}

	// An open or a click proves the message arrived, so it lifts the state to at least "sent".
	const implied = observation.state ?? (observation.engagement ? 'sent' : null);

	const recipients = new Map(Object.entries(record.recipients));
	if (implied) {
		for (const address of observation.recipients) {
			recipients.set(
				address,
				joinRecipient(recipients.get(address), { state: implied, since: time }),
			);
		}
	}

	const messageId = record.messageId ?? observation.queuedMessageId;
	const messageIds = [...new Set([...record.messageIds, ...observation.messageIds])].sort();

	const next: TrackingRecord = {
		version: RECORD_VERSION,
		trackingKey: messageId ?? messageIds[0] ?? null,
		reference: record.reference ?? observation.reference,
		account: minString(record.account, observation.account),
		queueId: record.queueId ?? observation.queueId,
		messageId,
		messageIds,
		state: implied && RANK[implied] > RANK[record.state] ? implied : record.state,
		opened: events.has('trackOpen'),
		clicked: events.has('trackClick'),
		unsubscribed: isUnsubscribed(events),
		recipients: sortedObject(recipients),
		attempts: {
			failed: Math.max(record.attempts.failed, observation.attempt ?? 0),
			max: maxNullable(record.attempts.max, observation.maxAttempts),
		},
		events: sortedObject(events),
		firstEventAt: record.firstEventAt === null ? time : earliest(record.firstEventAt, time),
		lastEventAt: record.lastEventAt === null ? time : latest(record.lastEventAt, time),
		history: kept.sort(byTime),
		historyTruncated: truncated,
	};

	return { record: next, changed: !sameJson(next, record) };
}

/** Why the event cannot belong to the record's message, or null when it can. */
export function conflictBetween(record: TrackingRecord, observation: Observation): string | null {
	const pairs: Array<[string, string | null, string | null]> = [
		['queueId', record.queueId, observation.queueId],
		['queued Message-ID', record.messageId, observation.queuedMessageId],
		['correlation reference', record.reference, observation.reference],
	];
	for (const [what, ours, theirs] of pairs) {
		if (ours !== null && theirs !== null && ours !== theirs) {
			return `The event belongs to another message: its ${what} is ${theirs}, the record's is ${ours}`;
		}
	}
	return null;
}

function assertSameMessage(record: TrackingRecord, observation: Observation): void {
	const conflict = conflictBetween(record, observation);
	if (conflict) throw new RecordConflictError(conflict);
}

function historyEntry(observation: Observation): HistoryEntry {
	return {
		eventId: observation.eventId,
		event: observation.event,
		occurredAt: observation.occurredAt,
		outcome: observation.state ?? observation.engagement,
		recipients: observation.recipients,
		detail: observation.detail,
	};
}

/** Delivery events are kept before engagement and other events, then the earliest first. */
function tier(event: string): number {
	if (
		event === 'submitted' ||
		event === 'messageSent' ||
		event === 'messageDeliveryError' ||
		event === 'messageFailed' ||
		event === 'messageBounce' ||
		event === 'messageComplaint'
	) {
		return 0;
	}
	if (event.startsWith('track') || event.startsWith('list')) return 1;
	return 2;
}

function byRetention(a: HistoryEntry, b: HistoryEntry): number {
	return tier(a.event) - tier(b.event) || byTime(a, b);
}

function byTime(a: HistoryEntry, b: HistoryEntry): number {
	return compareTimes(a.occurredAt, b.occurredAt) || compareStrings(a.eventId, b.eventId);
}

function smaller(a: HistoryEntry, b: HistoryEntry): HistoryEntry {
	return stableJson(a) <= stableJson(b) ? a : b;
}

function joinRecipient(
	current: RecipientOutcome | undefined,
	seen: RecipientOutcome,
): RecipientOutcome {
	if (!current) return seen;
	if (RANK[seen.state] !== RANK[current.state]) {
		return RANK[seen.state] > RANK[current.state] ? seen : current;
	}
	return { state: current.state, since: earliest(current.since, seen.since) };
}

/** An unsubscribe counts unless a subscribe came after it. */
function isUnsubscribed(events: Map<string, EventTimes>): boolean {
	const out = events.get('listUnsubscribe')?.last;
	if (out === undefined) return false;
	const back = events.get('listSubscribe')?.last;
	return back === undefined || compareTimes(out, back) >= 0;
}

function detailOf(event: NormalizedEvent): string | null {
	if (event.bounce) {
		return [event.bounce.status, event.bounce.message].filter(Boolean).join(' ') || null;
	}
	if (event.complaint) return event.complaint.feedbackType;
	if (event.tracking?.url) return event.tracking.url;
	return event.smtpResponse ?? event.error ?? null;
}

/**
 * "__proto__" is no address, and a schema reading the stored record back drops it as a key, so
 * keeping it would make the record depend on whether it was read in between.
 */
function recipientKeys(addresses: string[]): string[] {
	const keys = addresses.map((a) => a.trim().toLowerCase());
	return [...new Set(keys.filter((key) => key !== '' && key !== '__proto__'))].sort();
}

/**
 * Events that reach a workflow without EmailEngine's event id (a raw body passed on by hand)
 * get one from their content, so that the same event still counts once.
 */
function contentId(event: NormalizedEvent): string {
	const content = stableJson({
		account: event.account,
		date: event.occurredAt,
		event: event.event,
		data: event.data,
	});
	return `sha256:${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}

function compareTimes(a: string, b: string): number {
	const ta = Date.parse(a);
	const tb = Date.parse(b);
	if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta < tb ? -1 : 1;
	return compareStrings(a, b);
}

function compareStrings(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function earliest(a: string, b: string): string {
	return compareTimes(a, b) <= 0 ? a : b;
}

function latest(a: string, b: string): string {
	return compareTimes(a, b) >= 0 ? a : b;
}

function minString(a: string | null, b: string | null): string | null {
	if (a === null) return b;
	if (b === null) return a;
	return compareStrings(a, b) <= 0 ? a : b;
}

function maxNullable(a: number | null, b: number | null): number | null {
	if (a === null) return b;
	if (b === null) return a;
	return Math.max(a, b);
}

/** Object.fromEntries defines every key as the object's own, "__proto__" included. */
function sortedObject<T>(entries: Iterable<[string, T]>): Record<string, T> {
	return Object.fromEntries([...entries].sort(([a], [b]) => compareStrings(a, b)));
}

/**
 * Whether two JSON-like values serialize to the same JSON once object keys are sorted, without
 * building the strings: a record with a long history is compared on every merge.
 */
function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;

	if (Array.isArray(a) || Array.isArray(b)) {
		if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
		return a.every((value, index) => sameJson(value, b[index]));
	}

	// JSON leaves out undefined properties, so they do not count.
	const keysOf = (value: object) =>
		Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined);
	const aKeys = keysOf(a);
	if (aKeys.length !== keysOf(b).length) return false;
	return aKeys.every((key) =>
		sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
	);
}

/** JSON with object keys sorted, so that equal records serialize equally. */
export function stableJson(value: unknown): string {
	return JSON.stringify(value, (_key, inner: unknown) =>
		inner !== null && typeof inner === 'object' && !Array.isArray(inner)
			? sortedObject(Object.entries(inner))
			: inner,
	);
}
