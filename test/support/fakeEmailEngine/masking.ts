import { isDeepStrictEqual } from 'node:util';

import type { CustomHeader } from './types';

/** What EmailEngine writes where a credential would be. */
export const MASK = '******';

/**
 * Masks the password in a URL, keeping host, port and path. Set `maskUsername` to also mask the
 * user name, which newer EmailEngine releases do.
 */
export function maskUrl(url: string, maskUsername = false): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return url ? '' : url;
	}
	if (!parsed.username && !parsed.password) {
		return url;
	}
	if (parsed.username && maskUsername) {
		parsed.username = MASK;
	}
	if (parsed.password) {
		parsed.password = MASK;
	}
	return parsed.href;
}

/** Masks the values of a custom-header list; empty values stay empty because nothing is hidden. */
export function maskHeaders(headers: CustomHeader[] | undefined): CustomHeader[] | undefined {
	return headers?.map((header) => (header.value ? { ...header, value: MASK } : header));
}

/** Setting and account keys whose values are URLs that may carry credentials. */
export const URL_SECRET_KEYS = ['webhooks', 'proxyUrl', 'httpProxyUrl', 'authServer', 'proxy'];

/** Keys whose values are `{key, value}` header lists. */
export const HEADER_SECRET_KEYS = ['webhooksCustomHeaders', 'customHeaders'];

/** Whether an incoming value carries the mask where a credential should be. */
export function containsMask(key: string, value: unknown): boolean {
	if (URL_SECRET_KEYS.includes(key) && typeof value === 'string' && value) {
		try {
			const parsed = new URL(value);
			return parsed.username === MASK || parsed.password === MASK;
		} catch {
			return false;
		}
	}
	if (HEADER_SECRET_KEYS.includes(key) && Array.isArray(value)) {
		return value.some(
			(header) => header && typeof header === 'object' && (header as CustomHeader).value === MASK,
		);
	}
	return false;
}

function comparableHeaders(headers: unknown): CustomHeader[] {
	return (Array.isArray(headers) ? headers : []).map((header: Partial<CustomHeader>) => ({
		key: header?.key ?? '',
		value: header?.value ?? '',
	}));
}

/** Whether a masked incoming value is exactly what a read of the stored value returns. */
export function isMaskedEcho(
	key: string,
	incoming: unknown,
	stored: unknown,
	maskUsername = false,
): boolean {
	if (URL_SECRET_KEYS.includes(key)) {
		return typeof stored === 'string' && !!stored && maskUrl(stored, maskUsername) === incoming;
	}
	if (HEADER_SECRET_KEYS.includes(key)) {
		return isDeepStrictEqual(
			comparableHeaders(maskHeaders(stored as CustomHeader[] | undefined)),
			comparableHeaders(incoming),
		);
	}
	return false;
}
