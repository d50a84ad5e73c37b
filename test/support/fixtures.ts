import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The `serviceSecret` the captures were signed with. It is a throwaway value set for the capture
 * run (see the fixtures README), not a real secret.
 */
export const CAPTURE_SERVICE_SECRET = 'ee-peer-capture-service-secret';

/** Where the copied captures live inside the project. */
export const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'emailengine-2.79.2');

/** One HTTP request that a real EmailEngine 2.79.2 sent to a webhook receiver. */
export interface Capture {
	/** File name without `.json`, e.g. `messageSent-global-1`. */
	name: string;
	/** EVENT part of the name: the body's `event`, or `kind` for mapped-route bodies. */
	event: string;
	/** VARIANT part of the name, e.g. `global`, `route-mapped`, `account-after500`. */
	variant: string;
	/** N part of the name, counting from 1 within one EVENT-VARIANT pair. */
	index: number;
	method: string;
	/** Request path the receiver saw, e.g. `/global`. */
	url: string;
	/** Every request header, lower-cased, in the order they arrived. */
	headers: Record<string, string>;
	/** The same headers as ordered `[name, value]` pairs. */
	headerPairs: Array<[string, string]>;
	/** Raw body as a UTF-8 string. */
	body: string;
	/** Raw body bytes (from `bodyBase64`); sign and compare these, never a re-serialisation. */
	bytes: Buffer;
	/** How the request was triggered. */
	note: string;
}

interface CaptureFile {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: string;
	bodyBase64: string;
	note: string;
}

let cache: Capture[] | undefined;

function parseName(name: string): { event: string; variant: string; index: number } {
	const match = /^([A-Za-z]+)-(.+)-(\d+)$/.exec(name);
	if (!match) {
		throw new Error(`Capture file name "${name}" does not follow EVENT-VARIANT-N`);
	}
	return { event: match[1], variant: match[2], index: Number(match[3]) };
}

function readCapture(name: string): Capture {
	const file = JSON.parse(readFileSync(join(FIXTURES_DIR, `${name}.json`), 'utf8')) as CaptureFile;
	const bytes = Buffer.from(file.bodyBase64, 'base64');
	if (bytes.toString('utf8') !== file.body) {
		throw new Error(`Capture ${name}: body and bodyBase64 disagree`);
	}
	return {
		name,
		...parseName(name),
		method: file.method,
		url: file.url,
		headers: file.headers,
		headerPairs: Object.entries(file.headers),
		body: file.body,
		bytes,
		note: file.note,
	};
}

/** Every capture, sorted by file name. Loaded once per test process. */
export function loadFixtures(): Capture[] {
	if (!cache) {
		cache = readdirSync(FIXTURES_DIR)
			.filter((file) => file.endsWith('.json'))
			.sort()
			.map((file) => readCapture(file.slice(0, -'.json'.length)));
	}
	return cache;
}

/** One capture by name (with or without `.json`); throws when it does not exist. */
export function fixture(name: string): Capture {
	const wanted = name.replace(/\.json$/, '');
	const found = loadFixtures().find((capture) => capture.name === wanted);
	if (!found) {
		throw new Error(`No capture named "${wanted}" in ${FIXTURES_DIR}`);
	}
	return found;
}

/** Captures matching an event and, optionally, a variant. */
export function fixturesFor(event: string, variant?: string): Capture[] {
	return loadFixtures().filter(
		(capture) => capture.event === event && (variant === undefined || capture.variant === variant),
	);
}

/** The capture body parsed as JSON. */
export function fixtureJson<T = Record<string, unknown>>(capture: Capture): T {
	return JSON.parse(capture.body) as T;
}

/**
 * EmailEngine's webhook signature: base64url HMAC-SHA256 of the exact body bytes, keyed with the
 * `serviceSecret` as a UTF-8 string, without padding.
 */
export function sign(bytes: Buffer | string, secret: string): string {
	return createHmac('sha256', secret).update(bytes).digest('base64url');
}
