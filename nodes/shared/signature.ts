import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header EmailEngine puts its body signature in (Node gives header names lower-cased). */
export const SIGNATURE_HEADER = 'x-ee-wh-signature';

// base64url of a 32-byte HMAC-SHA256 digest without padding is always 43 characters.
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type SignatureCheck =
	| { valid: true; secret: 'current' | 'previous' }
	| { valid: false; reason: 'missing' | 'malformed' | 'mismatch' };

/** The signature EmailEngine computes: base64url(HMAC-SHA256(serviceSecret, raw body)). */
export function signBody(body: Buffer | string, secret: string): string {
	return createHmac('sha256', secret).update(body).digest('base64url');
}

/**
 * Checks `X-EE-Wh-Signature` over the exact bytes received. The previous secret is tried as
 * well, so that events signed before a `serviceSecret` rotation are still accepted.
 */
export function verifySignature(
	rawBody: Buffer,
	header: string | string[] | undefined,
	secrets: { current: string; previous?: string },
): SignatureCheck {
	if (header === undefined || header === '') return { valid: false, reason: 'missing' };

	// Two signature headers arrive as an array (or joined with a comma by a proxy): EmailEngine
	// never sends that, so neither value is trusted.
	if (Array.isArray(header) || !SIGNATURE_PATTERN.test(header)) {
		return { valid: false, reason: 'malformed' };
	}

	// Buffer ignores the unused low bits of the last character, so without this round trip two
	// different header values would be accepted for one digest.
	const received = Buffer.from(header, 'base64url');
	if (received.toString('base64url') !== header) return { valid: false, reason: 'malformed' };

	if (digestMatches(rawBody, received, secrets.current)) return { valid: true, secret: 'current' };
	if (secrets.previous && digestMatches(rawBody, received, secrets.previous)) {
		return { valid: true, secret: 'previous' };
	}

	return { valid: false, reason: 'mismatch' };
}

function digestMatches(rawBody: Buffer, received: Buffer, secret: string): boolean {
	const expected = createHmac('sha256', secret).update(rawBody).digest();
	return expected.length === received.length && timingSafeEqual(expected, received);
}
