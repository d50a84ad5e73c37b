import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './runtime';

/** The settings in scripts/n8n/offline.env, shared with `npm start`. */
export function offlineN8nEnv(): Record<string, string> {
	const settings: Record<string, string> = {};
	const text = readFileSync(join(repoRoot, 'scripts', 'n8n', 'offline.env'), 'utf8');
	for (const line of text.split('\n')) {
		const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
		if (match) settings[match[1]] = match[2];
	}
	return settings;
}

/** Variables of the parent worth passing on; everything else (NODE_ENV=test, npm_*) stays out. */
const INHERITED = ['LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL', 'TERM'];

/**
 * A clean environment for an n8n child: Node 24 first in PATH (the task runner is started with
 * `node`), HOME inside the user folder so nothing touches the real home directory.
 */
export function n8nProcessEnv(
	nodeBinDir: string,
	userFolder: string,
	settings: Record<string, string>,
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const key of INHERITED) {
		if (process.env[key] !== undefined) env[key] = process.env[key];
	}
	env.PATH = [nodeBinDir, process.env.PATH ?? ''].join(':');
	env.HOME = userFolder;
	env.N8N_USER_FOLDER = userFolder;
	return { ...env, ...offlineN8nEnv(), ...settings };
}
