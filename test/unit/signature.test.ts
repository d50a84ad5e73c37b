import { verifySignature } from '../../nodes/shared/signature';
import { CAPTURE_SERVICE_SECRET, loadFixtures, sign } from '../support/fixtures';

const captures = loadFixtures();
const secrets = { current: CAPTURE_SERVICE_SECRET };

describe('verifySignature', () => {
	it('accepts every captured EmailEngine request with the capture secret', () => {
		expect(captures.length).toBeGreaterThanOrEqual(130);
		for (const capture of captures) {
			const check = verifySignature(capture.bytes, capture.headers['x-ee-wh-signature'], secrets);
			expect({ capture: capture.name, check }).toEqual({
				capture: capture.name,
				check: { valid: true, secret: 'current' },
			});
		}
	});

	it('rejects every capture whose body has one byte changed', () => {
		for (const capture of captures) {
			for (const position of [0, Math.floor(capture.bytes.length / 2), capture.bytes.length - 1]) {
				const tampered = Buffer.from(capture.bytes);
				tampered[position] ^= 0x01;
				const check = verifySignature(tampered, capture.headers['x-ee-wh-signature'], secrets);
				expect({ capture: capture.name, position, check }).toEqual({
					capture: capture.name,
					position,
					check: { valid: false, reason: 'mismatch' },
				});
			}
		}
	});

	it('rejects a body signed with another secret', () => {
		const capture = captures[0];
		const forged = sign(capture.bytes, 'not-the-service-secret');
		expect(verifySignature(capture.bytes, forged, secrets)).toEqual({
			valid: false,
			reason: 'mismatch',
		});
	});

	it('accepts a body signed with the previous secret while a rotation is under way', () => {
		const capture = captures[0];
		const rotation = { current: 'the-new-secret', previous: CAPTURE_SERVICE_SECRET };
		expect(verifySignature(capture.bytes, capture.headers['x-ee-wh-signature'], rotation)).toEqual({
			valid: true,
			secret: 'previous',
		});
		const signedWithNew = sign(capture.bytes, 'the-new-secret');
		expect(verifySignature(capture.bytes, signedWithNew, rotation)).toEqual({
			valid: true,
			secret: 'current',
		});
	});

	it('reports a missing signature header', () => {
		expect(verifySignature(Buffer.from('{}'), undefined, secrets)).toEqual({
			valid: false,
			reason: 'missing',
		});
		expect(verifySignature(Buffer.from('{}'), '', secrets)).toEqual({
			valid: false,
			reason: 'missing',
		});
	});

	describe('rejects signatures that are not one canonical base64url digest', () => {
		const capture = captures[0];
		const good = capture.headers['x-ee-wh-signature'];
		const lastChar = good[good.length - 1];
		// Flipping the unused low bits of the last character decodes to the same 32 bytes.
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
		const sameBytes = alphabet[alphabet.indexOf(lastChar) ^ 0x01];

		it.each([
			['with padding', `${good}=`],
			['in the standard base64 alphabet', Buffer.from(good, 'base64url').toString('base64')],
			['as hex', Buffer.from(good, 'base64url').toString('hex')],
			['truncated', good.slice(0, 42)],
			['with a non-canonical last character', good.slice(0, 42) + sameBytes],
			['with surrounding white space', ` ${good}`],
			['twice in one header', `${good},${good}`],
		])('%s', (_name, header) => {
			expect(verifySignature(capture.bytes, header, secrets)).toEqual({
				valid: false,
				reason: 'malformed',
			});
		});

		it('sent as two headers', () => {
			expect(verifySignature(capture.bytes, [good, good], secrets)).toEqual({
				valid: false,
				reason: 'malformed',
			});
		});
	});
});
