import type { IDataObject } from 'n8n-workflow';

export interface Address extends IDataObject {
	name?: string;
	address: string;
}

/** A single address that EmailEngine's submit schema accepts, without judging the mailbox. */
const ADDRESS_PATTERN = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

export type AddressParse = { ok: true; addresses: Address[] } | { ok: false; message: string };

/**
 * Reads `Name <a@example.com>, b@example.com` (or an array of such strings) into EmailEngine's
 * `{name, address}` objects. Commas inside quotes or angle brackets do not split.
 */
export function parseAddresses(value: unknown, field: string): AddressParse {
	const parts = splitList(value);
	const addresses: Address[] = [];
	for (const part of parts) {
		const parsed = parseOne(part);
		if (!parsed) return { ok: false, message: `${field}: "${part}" is not an email address` };
		addresses.push(parsed);
	}
	return { ok: true, addresses };
}

function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(splitList);
	if (typeof value !== 'string') return [];
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let angled = false;
	for (const char of value) {
		if (char === '"') quoted = !quoted;
		else if (char === '<' && !quoted) angled = true;
		else if (char === '>' && !quoted) angled = false;
		if ((char === ',' || char === ';') && !quoted && !angled) {
			parts.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	parts.push(current);
	return parts.map((part) => part.trim()).filter(Boolean);
}

function parseOne(part: string): Address | null {
	const angled = /^(.*)<([^<>]+)>$/.exec(part);
	if (angled) {
		const address = angled[2].trim();
		if (!ADDRESS_PATTERN.test(address)) return null;
		const name = angled[1]
			.trim()
			.replace(/^"(.*)"$/, '$1')
			.trim();
		return name ? { name, address } : { address };
	}
	return ADDRESS_PATTERN.test(part) ? { address: part } : null;
}

export function domainOf(address: string | undefined): string | null {
	if (!address) return null;
	const at = address.lastIndexOf('@');
	return at === -1 ? null : address.slice(at + 1).toLowerCase() || null;
}
