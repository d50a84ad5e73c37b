import { ApiError } from './errors';
import {
	containsMask,
	HEADER_SECRET_KEYS,
	isMaskedEcho,
	MASK,
	maskHeaders,
	maskUrl,
	URL_SECRET_KEYS,
} from './masking';
import type { CustomHeader } from './types';
import { headerListRule, rules, validate, type Rule } from './validation';

/** Every event name EmailEngine 2.79.2 defines, in the order of its constants. */
export const EVENT_TYPES = [
	'messageNew',
	'messageDeleted',
	'messageUpdated',
	'messageMissing',
	'messageSent',
	'messageDeliveryError',
	'messageFailed',
	'messageBounce',
	'messageComplaint',
	'mailboxReset',
	'mailboxDeleted',
	'mailboxNew',
	'authenticationError',
	'authenticationSuccess',
	'connectError',
	'accountAdded',
	'accountInitialized',
	'accountDeleted',
	'trackOpen',
	'trackClick',
	'listUnsubscribe',
	'listSubscribe',
	'exportCompleted',
	'exportFailed',
];

/** Settings that are never returned, only reported as set (`true`) or not (`false`). */
export const SECRET_SETTINGS = [
	'serviceSecret',
	'openAiAPIKey',
	'smtpServerPassword',
	'imapProxyServerPassword',
];

/**
 * The settings the fake accepts, with their types. A subset of EmailEngine's schema: every
 * webhook, notification, tracking and delivery key plus a few common others. Anything else is
 * refused the way Joi refuses an unknown key.
 */
export const SETTINGS_SCHEMA: Record<string, Rule> = {
	webhooksEnabled: rules.boolean(),
	webhooks: rules.uri({ allowEmpty: true }),
	webhookEvents: rules.array(rules.string({ max: 256 })),
	webhooksCustomHeaders: headerListRule,
	notifyHeaders: rules.array(rules.string({ max: 256 })),
	notifyText: rules.boolean(),
	notifyWebSafeHtml: rules.boolean(),
	notifyTextSize: rules.integer({ min: 0 }),
	notifyAttachments: rules.boolean(),
	notifyAttachmentSize: rules.integer({ min: 0 }),
	notifyCalendarEvents: rules.boolean(),
	inboxNewOnly: rules.boolean(),
	serviceUrl: rules.uri(),
	serviceSecret: rules.string({ max: 1024 }),
	trackOpens: rules.boolean(),
	trackClicks: rules.boolean(),
	resolveGmailCategories: rules.boolean(),
	ignoreMailCertErrors: rules.boolean(),
	scriptEnv: rules.string({ max: 1024 * 1024, allowEmpty: true }),
	queueKeep: rules.integer({ min: 0 }),
	deliveryAttempts: rules.integer({ min: 0 }),
	proxyUrl: rules.string({ max: 1024, allowEmpty: true }),
	proxyEnabled: rules.boolean(),
	smtpEhloName: rules.string({ max: 256, allowEmpty: true }),
	authServer: rules.uri({ allowEmpty: true }),
	locale: rules.string({ max: 100, allowEmpty: true }),
	timezone: rules.string({ max: 100, allowEmpty: true }),
	pageBrandName: rules.string({ max: 1024, allowEmpty: true }),
	openAiAPIKey: rules.string({ max: 1024, allowEmpty: true }),
	logs: rules.object({}, { unknown: true }),
};

/** Options for reading settings back. */
export interface SettingsReadOptions {
	/** Mask URL user names as well as passwords. */
	maskUsernames: boolean;
}

/** `GET /v1/settings?key=true&...`: only the keys asked for, secrets as booleans, credentials masked. */
export function readSettings(
	store: Record<string, unknown>,
	query: Record<string, string>,
	options: SettingsReadOptions,
): Record<string, unknown> {
	const flags: Record<string, Rule> = { eventTypes: rules.boolean() };
	for (const key of Object.keys(SETTINGS_SCHEMA)) {
		flags[key] = rules.boolean();
	}
	const asked = validate(query, flags);
	const values: Record<string, unknown> = {};
	for (const [key, wanted] of Object.entries(asked)) {
		if (!wanted) continue;
		if (key === 'eventTypes') {
			values[key] = [...EVENT_TYPES];
			continue;
		}
		const value = store[key] ?? null;
		if (SECRET_SETTINGS.includes(key)) {
			values[key] = !!value;
		} else if (URL_SECRET_KEYS.includes(key) && typeof value === 'string') {
			values[key] = maskUrl(value, options.maskUsernames);
		} else if (HEADER_SECRET_KEYS.includes(key) && Array.isArray(value)) {
			values[key] = maskHeaders(value as CustomHeader[]);
		} else {
			values[key] = value;
		}
	}
	return values;
}

/**
 * `POST /v1/settings`: validates the whole payload first (unknown keys refused), then writes key by
 * key. A masked value that equals the masked stored value is skipped; any other mask is refused,
 * and keys written before the refused one stay written, as in EmailEngine.
 */
export function writeSettings(
	store: Record<string, unknown>,
	payload: unknown,
	options: SettingsReadOptions,
): { updated: string[]; changed: Record<string, unknown> } {
	const values = validate(payload, SETTINGS_SCHEMA);
	const updated: string[] = [];
	const changed: Record<string, unknown> = {};
	for (const [key, raw] of Object.entries(values)) {
		let value = raw;
		if (containsMask(key, value)) {
			if (isMaskedEcho(key, value, store[key], options.maskUsernames)) {
				continue;
			}
			throw new ApiError(
				400,
				`The value for "${key}" carries the masked placeholder "${MASK}" instead of a credential. Send the real value, or leave the key out to keep the stored one`,
			);
		}
		if (key === 'serviceUrl' && typeof value === 'string' && value) {
			value = new URL(value).origin;
		}
		if (key === 'webhooksEnabled' && !value) {
			delete store.webhookErrorFlag;
		}
		store[key] = value;
		changed[key] = value;
		updated.push(key);
	}
	return { updated, changed };
}
