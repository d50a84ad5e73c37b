import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

import { fixture, sign, type Capture } from '../fixtures';
import { eventBases } from './payloadCases';
import {
	badRequest,
	CORPUS_SECRET,
	EVENT_ID,
	freshEventId,
	headersOf,
	invalidPayload,
	json,
	N8N_PARSE_FAILURE,
	NOT_JSON,
	SIGNATURE,
	signedHeaders,
	UNAUTHORIZED,
} from './requests';
import { repeatedBody, signStreamed } from './streamedBody';
import type { BadRequestCase, ExpectedAnswer } from './types';

const MB = 1024 * 1024;

/**
 * n8n reads at most N8N_PAYLOAD_SIZE_MAX (16 MB by default); its body reader's error escapes
 * into the webhook handler, which answers 500 before the trigger runs and starts nothing.
 */
const TOO_LARGE_FOR_N8N: ExpectedAnswer = {
	status: 500,
	message: 'There was a problem executing the workflow',
};

const SAMPLES = [
	'messageSent-account-1',
	'messageDeliveryError-global-1',
	'messageFailed-account-1',
	'messageBounce-global-1',
	'messageComplaint-account-1',
	'messageNew-global-1',
	'trackClick-account-1',
	'mailboxReset-route-1',
].map((name) => fixture(name));

function caseOf(
	id: string,
	category: BadRequestCase['category'],
	headers: Array<[string, string]>,
	body: BadRequestCase['body'],
	expect: ExpectedAnswer,
	inN8n?: ExpectedAnswer,
): BadRequestCase {
	return { id, category, trigger: 'all', headers, body, expect, ...(inN8n ? { inN8n } : {}) };
}

/** Bodies cut short: n8n's JSON parser refuses them before the trigger runs, or the trigger does. */
export function truncatedCases(): BadRequestCase[] {
	const cases: BadRequestCase[] = [];
	for (const capture of SAMPLES) {
		for (const fraction of [0.01, 0.25, 0.5, 0.75, 0.99]) {
			const cut = capture.bytes.subarray(
				0,
				Math.max(1, Math.floor(capture.bytes.length * fraction)),
			);
			cases.push(
				caseOf(
					`truncated/${capture.name}/${fraction}`,
					'truncated',
					signedHeaders(capture, cut),
					cut,
					N8N_PARSE_FAILURE,
				),
			);
		}
		const lastByte = capture.bytes.subarray(0, capture.bytes.length - 1);
		cases.push(
			caseOf(
				`truncated/${capture.name}/text-plain`,
				'truncated',
				signedHeaders(capture, lastByte, { 'content-type': 'text/plain' }),
				lastByte,
				NOT_JSON,
			),
		);
	}
	return cases;
}

/** Bodies changed after signing, kept as valid JSON: only the signature can tell. */
export function mutatedCases(): BadRequestCase[] {
	const mutations: Array<[string, (body: string) => string]> = [
		['leading-space', (body) => ` ${body}`],
		['trailing-newline', (body) => `${body}\n`],
		['account-changed', (body) => body.replace(/"account":"[^"]*"/, '"account":"mallory"')],
		['duplicate-key', (body) => body.replace(/}$/, ',"account":"mallory"}')],
		['unicode-escaped', (body) => body.replace('"event"', '"\\u0065vent"')],
		['date-changed', (body) => body.replace(/"date":"\d/, '"date":"1')],
	];
	const cases: BadRequestCase[] = [];
	for (const capture of SAMPLES) {
		for (const [name, mutate] of mutations) {
			const body = Buffer.from(mutate(capture.body));
			cases.push(
				caseOf(
					`mutated/${capture.name}/${name}`,
					'mutated',
					headersOf(capture),
					body,
					UNAUTHORIZED,
				),
			);
		}
		const flipped = Buffer.from(capture.bytes);
		flipped[Math.floor(flipped.length / 2)] ^= 0x01;
		cases.push(
			caseOf(
				`mutated/${capture.name}/bit-flip`,
				'mutated',
				headersOf(capture),
				flipped,
				isJson(flipped) ? UNAUTHORIZED : N8N_PARSE_FAILURE,
			),
		);
	}
	return cases;
}

function isJson(bytes: Buffer): boolean {
	try {
		JSON.parse(bytes.toString('utf8'));
		return true;
	} catch {
		return false;
	}
}

export function emptyCases(): BadRequestCase[] {
	const capture = fixture('messageSent-account-1');
	const empty = Buffer.alloc(0);
	return [
		caseOf(
			'empty/signed',
			'empty',
			signedHeaders(capture, empty),
			empty,
			badRequest('The request body is empty'),
		),
		caseOf('empty/unsigned', 'empty', headersOf(capture), empty, UNAUTHORIZED),
		caseOf(
			'empty/no-signature',
			'empty',
			headersOf(capture, { [SIGNATURE]: undefined }),
			empty,
			UNAUTHORIZED,
		),
		caseOf(
			'empty/no-content-type',
			'empty',
			signedHeaders(capture, empty, { 'content-type': undefined }),
			empty,
			badRequest('The request body is empty'),
		),
		caseOf(
			'empty/whitespace-json',
			'empty',
			signedHeaders(capture, '  \n'),
			Buffer.from('  \n'),
			N8N_PARSE_FAILURE,
		),
		caseOf(
			'empty/whitespace-text',
			'empty',
			signedHeaders(capture, '  \n', { 'content-type': 'text/plain' }),
			Buffer.from('  \n'),
			NOT_JSON,
		),
	];
}

/** Tens of megabytes, streamed; n8n's 16 MB limit answers first in a real n8n. */
export function enormousCases(): BadRequestCase[] {
	const capture = fixture('messageSent-account-1');
	const forgedLarge = repeatedBody('{"event":"messageSent","pad":"', 'abcdefgh', '"}', 32 * MB);
	const unterminated = repeatedBody('{"event":"messageSent","pad":"', 'x', '', 24 * MB);
	const missingQueueId = repeatedBody(
		'{"account":"bob","date":"2026-12-03T17:45:10.317Z","event":"messageSent","data":{"messageId":"<a@b>","padding":"',
		'0123456789',
		'"}}',
		12 * MB,
	);
	const numbers = repeatedBody('[', '1,', '1]', 20 * MB);
	return [
		caseOf(
			'enormous/forged-32MB',
			'enormous',
			headersOf(capture),
			forgedLarge,
			UNAUTHORIZED,
			TOO_LARGE_FOR_N8N,
		),
		caseOf(
			'enormous/unterminated-24MB',
			'enormous',
			headersOf(capture, {
				[SIGNATURE]: signStreamed(unterminated, CORPUS_SECRET),
				[EVENT_ID]: freshEventId('unterminated'),
			}),
			unterminated,
			N8N_PARSE_FAILURE,
			TOO_LARGE_FOR_N8N,
		),
		caseOf(
			'enormous/signed-invalid-12MB',
			'enormous',
			headersOf(capture, {
				[SIGNATURE]: signStreamed(missingQueueId, CORPUS_SECRET),
				[EVENT_ID]: freshEventId('missingQueueId'),
			}),
			missingQueueId,
			invalidPayload('messageSent: data.queueId is missing'),
		),
		caseOf(
			'enormous/signed-array-20MB',
			'enormous',
			headersOf(capture, {
				[SIGNATURE]: signStreamed(numbers, CORPUS_SECRET),
				[EVENT_ID]: freshEventId('numbers'),
				'content-type': 'text/plain',
			}),
			numbers,
			badRequest('The request body must be a JSON object, not an array'),
			TOO_LARGE_FOR_N8N,
		),
	];
}

export function deepNestingCases(): BadRequestCase[] {
	const capture = fixture('messageSent-account-1');
	const depth = 100_000;
	const arrays = Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
	const objects = Buffer.from(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
	const base = eventBases()[0];
	const inField = Buffer.from(
		JSON.stringify({
			...base.payload,
			data: { ...(base.payload.data as object), queueId: 0 },
		}).replace('"queueId":0', `"queueId":${'['.repeat(depth)}${']'.repeat(depth)}`),
	);
	const million = repeatedBody('', '[', '', 1_000_000);
	return [
		caseOf(
			'deep-nesting/arrays',
			'deep-nesting',
			signedHeaders(capture, arrays),
			arrays,
			badRequest('The request body must be a JSON object, not an array'),
		),
		caseOf(
			'deep-nesting/objects',
			'deep-nesting',
			signedHeaders(capture, objects),
			objects,
			invalidPayload('Not an EmailEngine webhook payload: the field "event" is missing'),
		),
		caseOf(
			'deep-nesting/in-queueId',
			'deep-nesting',
			signedHeaders(capture, inField),
			inField,
			invalidPayload('messageSent: data.queueId must be a string, not an array'),
		),
		caseOf('deep-nesting/forged', 'deep-nesting', headersOf(capture), objects, UNAUTHORIZED),
		caseOf(
			'deep-nesting/unclosed-million',
			'deep-nesting',
			headersOf(capture, {
				[SIGNATURE]: signStreamed(million, CORPUS_SECRET),
				[EVENT_ID]: freshEventId('million'),
			}),
			million,
			N8N_PARSE_FAILURE,
		),
	];
}

export function invalidUtf8Cases(): BadRequestCase[] {
	const capture = fixture('messageSent-account-1');
	const body = capture.body;
	const bytes = (text: string, insert: number[], at: number) =>
		Buffer.concat([
			Buffer.from(text.slice(0, at)),
			Buffer.from(insert),
			Buffer.from(text.slice(at)),
		]);
	const inAccount = bytes(body, [0xff, 0xfe], body.indexOf('"bob"') + 2);
	const structural = Buffer.concat([Buffer.from([0xc0, 0xaf]), capture.bytes]);
	const surrogate = bytes(body, [0xed, 0xa0, 0x80], body.indexOf('"messageSent"') + 1);
	const base = eventBases()[0];
	const inQueueId = Buffer.from(JSON.stringify({ ...base.payload }));
	const badQueueId = Buffer.concat([
		inQueueId.subarray(0, inQueueId.indexOf('"queueId":') + '"queueId":'.length),
		Buffer.from([0x80, 0x81]),
		inQueueId.subarray(inQueueId.indexOf('"queueId":') + '"queueId":'.length),
	]);
	const selectiveEvent = bytes(body, [0xf8], body.indexOf('"messageSent"') + '"messageSent'.length);
	return [
		caseOf(
			'invalid-utf8/in-account-forged',
			'invalid-utf8',
			headersOf(capture),
			inAccount,
			UNAUTHORIZED,
		),
		caseOf(
			'invalid-utf8/overlong-prefix-json',
			'invalid-utf8',
			signedHeaders(capture, structural),
			structural,
			N8N_PARSE_FAILURE,
		),
		caseOf(
			'invalid-utf8/overlong-prefix-text',
			'invalid-utf8',
			signedHeaders(capture, structural, { 'content-type': 'text/plain' }),
			structural,
			NOT_JSON,
		),
		caseOf(
			'invalid-utf8/surrogate-forged',
			'invalid-utf8',
			headersOf(capture),
			surrogate,
			UNAUTHORIZED,
		),
		caseOf(
			'invalid-utf8/bare-bytes-as-value',
			'invalid-utf8',
			signedHeaders(capture, badQueueId),
			badQueueId,
			N8N_PARSE_FAILURE,
		),
		{
			id: 'invalid-utf8/in-event-name-unselected',
			category: 'invalid-utf8',
			trigger: 'selective',
			headers: signedHeaders(capture, selectiveEvent),
			body: selectiveEvent,
			expect: { status: 200, ignored: /^Event messageSent\uFFFD is not selected in this trigger$/ },
		},
	];
}

/** gzip and deflate bodies, which n8n inflates before the trigger sees (and checks) them. */
export function compressedCases(): BadRequestCase[] {
	const capture = fixture('messageSent-account-1');
	const base = eventBases()[0];
	const wrong = json({ ...base.payload, data: { ...(base.payload.data as object), queueId: 7 } });
	const typeError = invalidPayload('messageSent: data.queueId must be a string, not a number');
	const cases: BadRequestCase[] = [];
	for (const [encoding, compress] of [
		['gzip', gzipSync],
		['deflate', deflateSync],
	] as const) {
		const packed = compress(capture.bytes);
		cases.push(
			caseOf(
				`compressed/${encoding}/signed-over-compressed-bytes`,
				'compressed',
				headersOf(capture, {
					[SIGNATURE]: sign(packed, CORPUS_SECRET),
					'content-encoding': encoding,
				}),
				packed,
				UNAUTHORIZED,
			),
			caseOf(
				`compressed/${encoding}/tampered-before-compression`,
				'compressed',
				headersOf(capture, { 'content-encoding': encoding }),
				compress(Buffer.from(capture.body.replace('bob', 'eve'))),
				UNAUTHORIZED,
			),
			caseOf(
				`compressed/${encoding}/signed-wrong-type`,
				'compressed',
				signedHeaders(capture, wrong, { 'content-encoding': encoding }),
				compress(wrong),
				typeError,
			),
			caseOf(
				`compressed/${encoding}/not-compressed`,
				'compressed',
				headersOf(capture, { 'content-encoding': encoding }),
				capture.bytes,
				N8N_PARSE_FAILURE,
				// A real n8n lets zlib's error escape its body reader, and answers 500.
				{ status: 500 },
			),
			caseOf(
				`compressed/${encoding}/cut-short`,
				'compressed',
				headersOf(capture, { 'content-encoding': encoding }),
				packed.subarray(0, Math.floor(packed.length / 2)),
				N8N_PARSE_FAILURE,
				{ status: 500 },
			),
		);
	}
	const twice = gzipSync(gzipSync(capture.bytes));
	const bomb = gzipSync(
		Buffer.concat([Buffer.from('{'), Buffer.alloc(40 * MB, 0x20), Buffer.from('}')]),
	);
	const brotli = brotliCompressSync(capture.bytes);
	cases.push(
		caseOf(
			'compressed/gzip-twice',
			'compressed',
			headersOf(capture, { 'content-encoding': 'gzip' }),
			twice,
			N8N_PARSE_FAILURE,
		),
		caseOf(
			'compressed/gzip-bomb-40MB',
			'compressed',
			headersOf(capture, { 'content-encoding': 'gzip' }),
			bomb,
			UNAUTHORIZED,
			TOO_LARGE_FOR_N8N,
		),
		caseOf(
			'compressed/brotli-not-inflated',
			'compressed',
			headersOf(capture, { 'content-encoding': 'br' }),
			brotli,
			N8N_PARSE_FAILURE,
		),
	);
	return cases;
}

/** The content type decides whether n8n parses first; the trigger itself never trusts it. */
export function contentTypeCases(): BadRequestCase[] {
	const capture = fixture('messageBounce-account-1');
	const broken = Buffer.from('{"event": messageBounce}');
	const cases: BadRequestCase[] = [];
	for (const type of [
		'text/plain',
		undefined,
		'application/octet-stream',
		'application/x-www-form-urlencoded',
		'text/html; charset=utf-8',
	]) {
		cases.push(
			caseOf(
				`content-type/invalid-json/${type ?? 'none'}`,
				'content-type',
				signedHeaders(capture, broken, { 'content-type': type }),
				broken,
				NOT_JSON,
			),
		);
	}
	for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON']) {
		cases.push(
			caseOf(
				`content-type/invalid-json/${type}`,
				'content-type',
				signedHeaders(capture, broken, { 'content-type': type }),
				broken,
				N8N_PARSE_FAILURE,
			),
		);
	}
	for (const type of [
		'text/plain',
		undefined,
		'multipart/form-data; boundary=xyz',
		'application/x-www-form-urlencoded',
		'application/json; charset=latin1',
	]) {
		const forged = Buffer.from(capture.body.replace('"account":"bob"', '"account":"eve"'));
		cases.push(
			caseOf(
				`content-type/forged/${type ?? 'none'}`,
				'content-type',
				headersOf(capture, { 'content-type': type }),
				forged,
				UNAUTHORIZED,
			),
		);
	}
	const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), capture.bytes]);
	cases.push(
		caseOf(
			'content-type/byte-order-mark',
			'content-type',
			signedHeaders(capture, withBom),
			withBom,
			N8N_PARSE_FAILURE,
			// n8n strips the mark before parsing; the trigger, reading the raw bytes, does not.
			NOT_JSON,
		),
	);
	return cases;
}

export type { Capture };
