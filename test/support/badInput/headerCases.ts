import { createHmac } from 'node:crypto';

import { DELIVERY_LIFECYCLE_EVENTS } from '../../../nodes/shared/events';
import { fixture, loadFixtures, sign, type Capture } from '../fixtures';
import { CORPUS_SECRET, headersOf, ignored, SIGNATURE, UNAUTHORIZED } from './requests';
import type { BadRequestCase, ExpectedAnswer } from './types';

/** Captures the corpus test delivers first, so that sending them again is a replay. */
export function replayedCaptures(): Capture[] {
	const seen = new Set<string>();
	return loadFixtures().filter((capture) => {
		const id = capture.headers['x-ee-wh-event-id'];
		if (capture.index !== 1 || !id || seen.has(id)) return false;
		seen.add(id);
		return true;
	});
}

/** Node's HTTP parser refuses header blocks over 16 KiB before n8n sees the request. */
const HEADERS_TOO_LARGE: ExpectedAnswer = { status: 431 };

function flipLowBits(signature: string): string {
	// The last of 43 base64url characters carries 4 unused bits; changing them keeps the digest.
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	const last = alphabet.indexOf(signature[42]);
	return signature.slice(0, 42) + alphabet[last ^ 0b11];
}

/**
 * Signatures that are not the right one, on bodies that the right one would let in: each must
 * be refused with 401. `capture` must be one the trigger has not seen yet or has seen: the
 * signature check comes before everything else.
 */
export function signatureCases(): BadRequestCase[] {
	const cases: BadRequestCase[] = [];
	for (const capture of [fixture('messageSent-global-1'), fixture('messageFailed-global-1')]) {
		const right = capture.headers[SIGNATURE];
		const digest = Buffer.from(right, 'base64url');
		const variants: Array<[string, string | undefined, ExpectedAnswer?]> = [
			['missing', undefined],
			['empty', ''],
			['one-char', 'A'],
			['42-chars', right.slice(0, 42)],
			['44-chars', `${right}A`],
			['doubled', right + right],
			['padded', `${right}=`],
			['double-padded', `${right}==`],
			['standard-base64', digest.toString('base64')],
			['hex', digest.toString('hex')],
			['prefixed', `sha256=${right}`],
			['bearer', `Bearer ${right}`],
			['upper-cased', right.toUpperCase() === right ? right.toLowerCase() : right.toUpperCase()],
			['one-char-changed', (right[0] === 'A' ? 'B' : 'A') + right.slice(1)],
			['unused-bits-set', flipLowBits(right)],
			['inner-space', `${right.slice(0, 20)} ${right.slice(20, 42)}`],
			['latin1-char', `${right.slice(0, 42)}\u00e9`],
			['of-empty-body', sign('', CORPUS_SECRET)],
			['wrong-secret', sign(capture.bytes, 'not-the-service-secret')],
			['secret-as-hex', sign(capture.bytes, Buffer.from(CORPUS_SECRET).toString('hex'))],
			['body-with-newline', sign(`${capture.body}\n`, CORPUS_SECRET)],
			['sha512', createHmac('sha512', CORPUS_SECRET).update(capture.bytes).digest('base64url')],
			['sha1', createHmac('sha1', CORPUS_SECRET).update(capture.bytes).digest('base64url')],
			['plain-sha256', createHmac('sha256', '').update(capture.bytes).digest('base64url')],
			['10k-chars', 'A'.repeat(10_000)],
			['20k-chars', 'A'.repeat(20_000), HEADERS_TOO_LARGE],
		];
		const values = new Set<string | undefined>();
		for (const [name, value, expect] of variants) {
			// Standard base64 of a digest without "-" or "_" is just the padded form.
			if (values.has(value)) continue;
			values.add(value);
			cases.push({
				id: `signature/${capture.name}/${name}`,
				category: 'signature',
				trigger: 'all',
				headers: headersOf(capture, { [SIGNATURE]: value }),
				body: capture.bytes,
				expect: expect ?? UNAUTHORIZED,
			});
		}
	}
	return cases;
}

/** Header lines twice: Node joins repeated custom headers with ", ", which is no signature. */
export function duplicateHeaderCases(): BadRequestCase[] {
	const capture = fixture('messageComplaint-global-1');
	const right = capture.headers[SIGNATURE];
	const wrong = sign('other', CORPUS_SECRET);
	const lines = headersOf(capture);
	const withExtra = (extra: Array<[string, string]>, replace = true) => [
		...lines.filter(([name]) => !replace || !extra.some(([added]) => added === name)),
		...extra,
	];
	const forged = Buffer.from(capture.body.replace('"account":null', '"account":"eve"'));
	const body = forged.equals(capture.bytes) ? Buffer.from(`${capture.body} `) : forged;
	const twice = (name: string, a: string, b: string) =>
		withExtra([
			[name, a],
			[name, b],
		]);
	const cases: Array<[string, Array<[string, string]>, Buffer, ExpectedAnswer]> = [
		['signature-twice-same', twice(SIGNATURE, right, right), capture.bytes, UNAUTHORIZED],
		['signature-right-then-wrong', twice(SIGNATURE, right, wrong), capture.bytes, UNAUTHORIZED],
		['signature-wrong-then-right', twice(SIGNATURE, wrong, right), capture.bytes, UNAUTHORIZED],
		[
			'signature-differently-cased',
			withExtra([['X-EE-Wh-Signature', right]], false),
			capture.bytes,
			UNAUTHORIZED,
		],
		[
			'signature-comma-joined',
			withExtra([[SIGNATURE, `${right}, ${right}`]]),
			capture.bytes,
			UNAUTHORIZED,
		],
		['event-id-twice-forged', twice('x-ee-wh-event-id', 'a', 'b'), body, UNAUTHORIZED],
		[
			'content-type-twice-forged',
			twice('content-type', 'application/json', 'text/plain'),
			body,
			UNAUTHORIZED,
		],
		['custom-route-twice-forged', twice('x-ee-wh-custom-route', 'r1', 'r2'), body, UNAUTHORIZED],
		[
			'content-length-conflicting',
			withExtra([
				['content-length', String(capture.bytes.length)],
				['content-length', String(capture.bytes.length + 1)],
			]),
			capture.bytes,
			// Node's HTTP parser rejects the framing itself.
			{ status: 400 },
		],
	];
	return cases.map(([name, headers, requestBody, expect]) => ({
		id: `duplicate-headers/${name}`,
		category: 'duplicate-headers',
		trigger: 'all',
		headers,
		body: requestBody,
		expect,
	}));
}

/** Header order never matters: a changed body stays refused whatever the order. */
export function reorderedHeaderCases(): BadRequestCase[] {
	return [
		'messageSent-account-2',
		'messageBounce-route-1',
		'trackOpen-global-1',
		'mailboxNew-account-1',
	].map((name) => {
		const capture = fixture(name);
		const body = Buffer.from(capture.body.replace('"date":"2', '"date":"1'));
		return {
			id: `reordered-headers/${name}/reversed-forged`,
			category: 'reordered-headers' as const,
			trigger: 'all' as const,
			headers: headersOf(capture).reverse(),
			body,
			expect: UNAUTHORIZED,
		};
	});
}

/** EmailEngine's own retries and a replaying attacker look alike: same body, same event id. */
export function replayCases(): BadRequestCase[] {
	const cases: BadRequestCase[] = [];
	for (const capture of replayedCaptures()) {
		const eventId = capture.headers['x-ee-wh-event-id'];
		const expect = ignored(`Event ${eventId} was already received`);
		const variants: Array<[string, Array<[string, string]>]> = [
			['as-captured', headersOf(capture)],
			[
				'as-retry',
				headersOf(capture, { 'x-ee-wh-attempts-made': '3', 'x-ee-wh-queued-time': '9m' }),
			],
		];
		if (capture.index === 1 && /^(message|track)/.test(capture.event)) {
			variants.push(['reordered', headersOf(capture).reverse()]);
		}
		for (const [name, headers] of variants) {
			cases.push({
				id: `replay/${capture.name}/${name}`,
				category: 'replay',
				trigger: 'all',
				headers,
				body: capture.bytes,
				expect,
			});
		}
	}
	return cases;
}

/**
 * Signed, valid events the selective trigger (delivery lifecycle, account bob) did not ask
 * for: answered 200 so that EmailEngine stops retrying, and never run.
 */
export function unselectedCases(): BadRequestCase[] {
	const lifecycle = new Set<string>(DELIVERY_LIFECYCLE_EVENTS);
	return replayedCaptures()
		.filter((capture) => capture.variant !== 'route-mapped')
		.flatMap((capture): BadRequestCase[] => {
			const body = JSON.parse(capture.body) as { account: string | null; event: string };
			let expect: ExpectedAnswer;
			if (!lifecycle.has(body.event)) {
				expect = ignored(`Event ${body.event} is not selected in this trigger`);
			} else if (body.account !== 'bob') {
				expect = ignored(`Account ${body.account} is not selected in this trigger`);
			} else return [];
			return [
				{
					id: `unselected/${capture.name}`,
					category: 'unselected',
					trigger: 'selective',
					headers: headersOf(capture),
					body: capture.bytes,
					expect,
				},
			];
		});
}
