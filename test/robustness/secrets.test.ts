import { EmailEngineApi } from '../../credentials/EmailEngineApi.credentials';
import { signBody, verifySignature } from '../../nodes/shared/signature';

const CURRENT = 'current-service-secret';
const PREVIOUS = 'previous-service-secret';
const body = Buffer.from('{"event":"messageSent","account":"bob"}');

/** The right digest with one byte changed at `position`, as a header value. */
function wrongAt(position: number): string {
	const digest = Buffer.from(signBody(body, CURRENT), 'base64url');
	digest[position] ^= 0x80;
	return digest.toString('base64url');
}

// The module object itself, whose function the signature check looks up at each call.
const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');

describe('comparing signatures', () => {
	let compare: jest.SpyInstance;

	beforeEach(() => {
		compare = jest.spyOn(crypto, 'timingSafeEqual');
	});

	afterEach(() => {
		compare.mockRestore();
	});

	it('compares whole 32-byte digests through the constant-time primitive', () => {
		expect(verifySignature(body, wrongAt(0), { current: CURRENT })).toEqual({
			valid: false,
			reason: 'mismatch',
		});
		expect(compare).toHaveBeenCalledTimes(1);
		const [expected, received] = compare.mock.calls[0] as [Buffer, Buffer];
		expect([expected.length, received.length]).toEqual([32, 32]);
	});

	it('does the same work wherever the first wrong byte is', () => {
		const pattern = (position: number) => {
			compare.mockClear();
			verifySignature(body, wrongAt(position), { current: CURRENT, previous: PREVIOUS });
			return compare.mock.calls.map((call) =>
				(call as [Buffer, Buffer]).map((buffer) => buffer.length),
			);
		};
		const first = pattern(0);
		expect(first).toEqual([
			[32, 32],
			[32, 32],
		]);
		for (const position of [1, 15, 30, 31]) expect(pattern(position)).toEqual(first);
	});

	it('also checks the previous secret in constant time, and accepts either', () => {
		expect(
			verifySignature(body, signBody(body, PREVIOUS), { current: CURRENT, previous: PREVIOUS }),
		).toEqual({
			valid: true,
			secret: 'previous',
		});
		expect(compare).toHaveBeenCalledTimes(2);
	});

	it('never compares a header that is not a digest of the right length', () => {
		for (const header of ['', 'short', `${signBody(body, CURRENT)}=`, 'A'.repeat(44)]) {
			expect(verifySignature(body, header, { current: CURRENT }).valid).toBe(false);
		}
		expect(compare).not.toHaveBeenCalled();
	});
});

describe('where secrets live', () => {
	it('keeps the token and both signing secrets in password fields of the credential', () => {
		const fields = new EmailEngineApi().properties;
		const secretFields = ['accessToken', 'serviceSecret', 'previousServiceSecret'];
		for (const name of secretFields) {
			const field = fields.find((candidate) => candidate.name === name);
			expect({ name, password: field?.typeOptions?.password }).toEqual({ name, password: true });
		}
		const others = fields.filter((field) => !secretFields.includes(field.name));
		expect(others.every((field) => field.typeOptions?.password !== true)).toBe(true);
	});
});
