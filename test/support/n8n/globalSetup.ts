import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildAndPack, TARBALL_ENV } from './packageTarball';
import { resolveRuntime } from './runtime';

export const PACK_FOLDER_ENV = 'N8N_EE_PACK_FOLDER';

function say(message: string): void {
	process.stderr.write(`[e2e setup] ${message}\n`);
}

/**
 * Runs once before the e2e project: makes sure n8n is installed (minutes on a fresh machine, then
 * instant) and builds and packs this package once, for every test file to install.
 */
export default async function globalSetup(): Promise<void> {
	say('checking the cached n8n install (the first run installs it: about 5 minutes)');
	await resolveRuntime({ showProgress: true });
	try {
		await resolveRuntime({ queueServices: true, showProgress: true });
	} catch (error) {
		// Queue-mode tests then fail with their own explanation; single-process ones still run.
		say(`PostgreSQL/Redis for queue mode are not available: ${(error as Error).message}`);
	}
	say('building and packing the package (npm run build, npm pack)');
	const folder = mkdtempSync(join(tmpdir(), 'n8n-ee-pack-'));
	process.env[PACK_FOLDER_ENV] = folder;
	process.env[TARBALL_ENV] = await buildAndPack(folder);
	say(`packed ${process.env[TARBALL_ENV]}`);
}
