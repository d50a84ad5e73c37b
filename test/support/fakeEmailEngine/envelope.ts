import type { WebhookPayload } from './types';

/** What an emitted event needs besides the global `serviceUrl`. */
export interface EventInput {
	event: string;
	account: string | null;
	data?: unknown;
	/** Folder path, for mailbox-level events only. */
	path?: string;
	/** Special-use flag of the folder, e.g. `\\Inbox`, only where the mailbox has one. */
	specialUse?: string;
	/** Defaults to now. */
	date?: Date | string;
}

/**
 * Builds the webhook envelope with the keys in EmailEngine's order (`serviceUrl`, `account`,
 * `date`, `path`, `specialUse`, `event`, `data`), so `JSON.stringify` gives the captured form.
 */
export function buildEnvelope(serviceUrl: string | null, input: EventInput): WebhookPayload {
	const date = input.date instanceof Date ? input.date.toISOString() : input.date;
	const envelope: Record<string, unknown> = {
		serviceUrl,
		account: input.account,
		date: date ?? new Date().toISOString(),
	};
	if (input.path !== undefined) envelope.path = input.path;
	if (input.specialUse !== undefined) envelope.specialUse = input.specialUse;
	envelope.event = input.event;
	if (input.data !== undefined) envelope.data = input.data;
	return envelope as WebhookPayload;
}
