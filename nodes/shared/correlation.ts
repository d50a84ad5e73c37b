import { randomBytes } from 'node:crypto';

import { canonicalMessageId } from './messageId';
import type { DeliveryState, NormalizedEvent } from './normalize';

/**
 * A correlation reference travels inside the message itself, so that later events carry it
 * back without any store: in the Message-ID the EmailEngine node generates,
 * `<n8n-ref.{reference}.{token}@{domain}>`, and in the header below, whose value is that same
 * Message-ID. The header survives a relay that replaces the Message-ID (Outlook, SES), and
 * bounce reports that attach the original headers quote it.
 */
export const REFERENCE_HEADER = 'X-N8n-Reference';

export const REFERENCE_RULE = '1 to 64 characters, each a letter, a digit, "-" or "_"';

const REFERENCE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const LOCAL_PART_PATTERN = /^n8n-ref\.([A-Za-z0-9_-]{1,64})\.([0-9a-f]{20})$/;
const DOMAIN_PATTERN =
	/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Why a reference cannot be carried, or null when it can. */
export function referenceProblem(reference: string): string | null {
	if (REFERENCE_PATTERN.test(reference)) return null;
	const shown = reference.length > 80 ? `${reference.slice(0, 80)}…` : reference;
	return `The correlation reference "${shown}" cannot be carried in a Message-ID and a header: it must be ${REFERENCE_RULE}`;
}

export function domainProblem(domain: string): string | null {
	if (DOMAIN_PATTERN.test(domain)) return null;
	return `"${domain}" is not a domain name a Message-ID can end in`;
}

/** A new Message-ID that embeds the reference; the random token makes it unique. */
export function correlatedMessageId(reference: string, domain: string, token?: string): string {
	const problem = referenceProblem(reference) ?? domainProblem(domain);
	if (problem) throw new Error(problem);
	const unique = token ?? randomBytes(10).toString('hex');
	return `<n8n-ref.${reference}.${unique}@${domain.toLowerCase()}>`;
}

/** The reference inside a Message-ID this package generated, or null for any other value. */
export function referenceFromMessageId(value: unknown): string | null {
	const id = canonicalMessageId(value);
	if (id === null) return null;
	const at = id.lastIndexOf('@');
	if (at === -1) return null;
	return LOCAL_PART_PATTERN.exec(id.slice(1, at))?.[1] ?? null;
}

export type ReferenceSource =
	| 'messageId'
	| 'originalMessageId'
	| 'header'
	| 'relatedMessageId'
	| 'inReplyTo'
	| 'submission';

/** The routing outcome an event stands for. */
export type Outcome =
	| 'accepted'
	| 'deferred'
	| 'failed'
	| 'bounced'
	| 'complained'
	| 'engaged'
	| 'other';

export const OUTCOMES: Outcome[] = [
	'accepted',
	'deferred',
	'failed',
	'bounced',
	'complained',
	'engaged',
	'other',
];

export interface Correlation {
	/**
	 * The key that names one sent message across all its events: the Message-ID it was queued
	 * with. Falls back to the Message-ID the event quotes when the queued one cannot be known
	 * (a bounce of a message sent without a reference through a relay that rewrote the id).
	 */
	trackingKey: string | null;
	/** The Message-ID the message was queued with, when this event lets us know it. */
	queuedMessageId: string | null;
	/** Every Message-ID this event names for the sent message, canonical, sorted. */
	messageIds: string[];
	reference: string | null;
	referenceSource: ReferenceSource | null;
	outcome: Outcome;
}

const OUTCOME_OF_STATE: Record<DeliveryState, Outcome> = {
	sent: 'accepted',
	deferred: 'deferred',
	failed: 'failed',
	bounced: 'bounced',
	complained: 'complained',
};

/** What an event tells about the message it concerns. Pure: reads only the normalized item. */
export function correlate(event: NormalizedEvent): Correlation {
	const data = event.data;
	const candidates: Array<[ReferenceSource, unknown]> = [];
	let queued: string | null = null;
	const named: Array<string | null> = [event.messageId, event.originalMessageId];

	switch (event.event) {
		case 'messageSent':
			queued = event.originalMessageId ?? event.messageId;
			candidates.push(
				['originalMessageId', event.originalMessageId],
				['messageId', event.messageId],
			);
			break;
		case 'messageDeliveryError':
		case 'messageFailed':
		case 'trackOpen':
		case 'trackClick':
		case 'listUnsubscribe':
		case 'listSubscribe':
			queued = event.messageId;
			candidates.push(['messageId', event.messageId]);
			break;
		case 'messageBounce':
		case 'messageComplaint': {
			// A relay that rewrote the Message-ID makes these quote the rewritten one, which then
			// carries no reference; the header, when the report attached it, still does.
			const header = headerValues(data.messageHeaders, REFERENCE_HEADER);
			candidates.push(['messageId', event.messageId], ...header.map(headerCandidate));
			break;
		}
		case 'messageNew': {
			const related = canonicalMessageId(data.relatedMessageId);
			named.length = 0;
			named.push(related);
			candidates.push(
				['relatedMessageId', related],
				['inReplyTo', data.inReplyTo],
				...headerValues(data.headers, REFERENCE_HEADER).map(headerCandidate),
			);
			break;
		}
		default:
			named.length = 0;
	}

	let reference: string | null = null;
	let referenceSource: ReferenceSource | null = null;
	for (const [source, value] of candidates) {
		const found = referenceFromMessageId(value);
		if (found === null) continue;
		reference = found;
		referenceSource = source;
		// A Message-ID that carries a reference is one this package generated, so it is the
		// one the message was queued with, whichever field brought it back.
		queued ??= canonicalMessageId(value);
		if (queued !== null) named.push(queued);
		break;
	}

	const messageIds = [...new Set(named.filter((id): id is string => id !== null))].sort();
	const fallback = event.event === 'messageNew' ? messageIds[0] : event.messageId;

	return {
		trackingKey: queued ?? fallback ?? null,
		queuedMessageId: queued,
		messageIds,
		reference,
		referenceSource,
		outcome: outcomeOf(event),
	};
}

export function outcomeOf(event: Pick<NormalizedEvent, 'deliveryState' | 'engagement'>): Outcome {
	if (event.deliveryState) return OUTCOME_OF_STATE[event.deliveryState];
	if (event.engagement) return 'engaged';
	return 'other';
}

function headerCandidate(value: string): [ReferenceSource, string] {
	return ['header', value];
}

/** Values of one header in EmailEngine's header maps (lower-case names, string arrays). */
function headerValues(headers: unknown, name: string): string[] {
	if (headers === null || typeof headers !== 'object') return [];
	const value = (headers as Record<string, unknown>)[name.toLowerCase()];
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
	return [];
}
