// n8n-core reads its user folder when its DI container first builds InstanceSettings; keep that
// folder inside the OS temp directory so that tests never touch a real n8n installation.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-ee-test-'));
