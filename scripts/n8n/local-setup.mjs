// Prepares the local n8n that `npm start` runs: waits until it is ready, creates the owner on the
// first run, logs in, and imports the example workflows that are not there yet.
//
//   node scripts/n8n/local-setup.mjs <baseUrl> <stateDir> <examplesDir> <n8nPid>
//
// The owner's password is generated once and kept in <stateDir>/owner.json (mode 0600), so every
// run can print how to log in.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const [baseUrl, stateDir, examplesDir, pidText] = process.argv.slice(2);
const n8nPid = Number(pidText);
const ownerFile = join(stateDir, 'owner.json');
const say = (message) => console.log(`[start] ${message}`);

function n8nIsAlive() {
	try {
		process.kill(n8nPid, 0);
		return true;
	} catch {
		return false;
	}
}

async function request(method, path, { body, cookie } = {}) {
	const headers = { accept: 'application/json' };
	if (body !== undefined) headers['content-type'] = 'application/json';
	if (cookie) headers.cookie = cookie;
	const response = await fetch(`${baseUrl}${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await response.text();
	let json;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

async function waitUntilReady() {
	const started = Date.now();
	let announced = false;
	for (;;) {
		if (!n8nIsAlive()) throw new Error('n8n exited during start-up; see its output above');
		try {
			const { status } = await request('GET', '/healthz/readiness');
			if (status === 200) return;
		} catch {
			// Not listening yet.
		}
		if (!announced && Date.now() - started > 5000) {
			say('waiting for n8n to be ready (about 15 s; the first start also creates its database)');
			announced = true;
		}
		if (Date.now() - started > 240_000) throw new Error('n8n was not ready after 4 minutes');
		await delay(500);
	}
}

function readOwner() {
	if (!existsSync(ownerFile)) return undefined;
	return JSON.parse(readFileSync(ownerFile, 'utf8'));
}

async function ensureOwner() {
	const known = readOwner();
	if (known) return known;
	const owner = {
		email: 'owner@example.com',
		firstName: 'Local',
		lastName: 'Owner',
		// n8n requires 8+ characters with an upper-case letter and a digit.
		password: `Local-${randomBytes(9).toString('base64url')}-7`,
	};
	const answer = await request('POST', '/rest/owner/setup', { body: owner });
	if (answer.status !== 200) {
		throw new Error(
			`n8n refused to create the owner (${answer.status}: ${answer.text.slice(0, 300)}).\n` +
				`If an owner exists from an earlier run whose ${ownerFile} is gone, log in with that ` +
				'password, or start from scratch by deleting the .n8n-local folder.',
		);
	}
	writeFileSync(ownerFile, `${JSON.stringify(owner, null, 2)}\n`, { mode: 0o600 });
	say(`created the owner account ${owner.email}`);
	return owner;
}

async function logIn(owner) {
	const answer = await request('POST', '/rest/login', {
		body: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (answer.status !== 200) {
		throw new Error(`login as ${owner.email} failed (${answer.status}): ${answer.text}`);
	}
	const cookie = answer.headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.find((pair) => pair.startsWith('n8n-auth='));
	if (!cookie) throw new Error('n8n answered the login without a session cookie');
	return cookie;
}

const IMPORTED_FIELDS = [
	'name',
	'nodes',
	'connections',
	'settings',
	'staticData',
	'pinData',
	'meta',
];

async function importExamples(cookie) {
	if (!existsSync(examplesDir)) return;
	const files = readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.sort();
	if (files.length === 0) return;
	const listed = await request('GET', '/rest/workflows', { cookie });
	if (listed.status !== 200) throw new Error(`listing workflows failed: ${listed.text}`);
	const existing = new Set(listed.json.data.map((workflow) => workflow.name));
	for (const file of files) {
		let workflow;
		try {
			workflow = JSON.parse(readFileSync(join(examplesDir, file), 'utf8'));
		} catch (error) {
			say(`skipped examples/${file}: not valid JSON (${error.message})`);
			continue;
		}
		const name = workflow.name || basename(file, '.json');
		if (existing.has(name)) {
			say(`example "${name}" is already imported`);
			continue;
		}
		const body = { name };
		for (const field of IMPORTED_FIELDS) {
			if (field !== 'name' && workflow[field] !== undefined) body[field] = workflow[field];
		}
		body.settings ??= { executionOrder: 'v1' };
		const created = await request('POST', '/rest/workflows', { body, cookie });
		if (created.status === 200) {
			existing.add(name);
			say(`imported example "${name}" (examples/${file})`);
		} else {
			say(`could not import examples/${file} (${created.status}): ${created.text.slice(0, 300)}`);
		}
	}
}

try {
	await waitUntilReady();
	const owner = await ensureOwner();
	const cookie = await logIn(owner);
	await importExamples(cookie);
	console.log(
		[
			'',
			'------------------------------------------------------------------',
			`  n8n is running with n8n-nodes-emailengine: ${baseUrl}/`,
			`  Log in with  ${owner.email}  /  ${owner.password}`,
			`  (saved in ${ownerFile})`,
			'  Search the node panel for "EmailEngine". Stop with Ctrl-C.',
			'------------------------------------------------------------------',
			'',
		].join('\n'),
	);
} catch (error) {
	console.error(`[start] ERROR: ${error.message}`);
	process.exit(1);
}
