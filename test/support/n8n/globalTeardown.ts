import { rmSync } from 'node:fs';

import { PACK_FOLDER_ENV } from './globalSetup';

export default async function globalTeardown(): Promise<void> {
	const folder = process.env[PACK_FOLDER_ENV];
	if (folder) rmSync(folder, { recursive: true, force: true });
}
