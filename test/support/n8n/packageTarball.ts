import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runToCompletion } from './processes';
import { repoRoot } from './runtime';

/** Set by the e2e globalSetup so that every test file installs the same, once-built tarball. */
export const TARBALL_ENV = 'N8N_EE_PACKAGE_TARBALL';

export const packageName: string = (
	JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string }
).name;

/** The environment for child npm runs, without the npm_* settings of an enclosing `npm test`. */
export function cleanNpmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || key === 'NODE_ENV' || key === 'INIT_CWD') continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}

/** `npm run build` then `npm pack`, the same files a user would get from the registry. */
export async function buildAndPack(destination: string): Promise<string> {
	mkdirSync(destination, { recursive: true });
	const env = cleanNpmEnv();
	await runToCompletion('npm', ['run', 'build'], { cwd: repoRoot, env });
	const output = await runToCompletion(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
		{ cwd: repoRoot, env },
	);
	const jsonStart = output.indexOf('[');
	const packed = JSON.parse(output.slice(jsonStart)) as Array<{ filename: string }>;
	const tarball = join(destination, packed[0].filename);
	if (!existsSync(tarball)) throw new Error(`npm pack reported ${tarball}, which does not exist`);
	return tarball;
}

let ownTarball: Promise<string> | undefined;

/** The globalSetup's tarball, or one built for this worker alone when run outside of it. */
export async function packedPackage(): Promise<string> {
	const shared = process.env[TARBALL_ENV];
	if (shared && existsSync(shared)) return shared;
	if (!ownTarball) {
		const directory = mkdtempSync(join(tmpdir(), 'n8n-ee-pack-'));
		process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
		ownTarball = buildAndPack(directory);
	}
	return await ownTarball;
}

/**
 * Installs the tarball as n8n does for community packages: into `<userFolder>/.n8n/nodes`, without
 * peer dependencies (n8n provides n8n-workflow itself).
 */
export async function installPackage(userFolder: string, tarball: string): Promise<void> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	const manifest = join(nodesDir, 'package.json');
	if (!existsSync(manifest)) {
		writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	}
	rmSync(join(nodesDir, 'node_modules', packageName), { recursive: true, force: true });
	await runToCompletion(
		'npm',
		[
			'install',
			'--omit=peer',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			'--prefix',
			nodesDir,
			tarball,
		],
		{ cwd: nodesDir, env: cleanNpmEnv() },
	);
}
