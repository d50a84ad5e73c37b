/**
 * Keeps the service secrets a trigger verifies signatures with for a few seconds per process.
 *
 * Outside an execution, n8n resolves a credential's expressions in an expression sandbox of its
 * own on every `getCredentials()` call. In the webhook phase the one sandbox n8n keeps warm is
 * already taken, so that call usually waits for a new one to be built: tens of milliseconds per
 * request, more than everything else the trigger does, and paid even for requests it rejects.
 *
 * The expiry is short so that a rotated secret takes effect within seconds; events signed with
 * the new secret in that window are answered 401, which EmailEngine retries.
 */
export interface ServiceSecrets {
	current?: string;
	previous?: string;
}

export const SECRETS_TTL_MS = 5_000;

/** Far more triggers than one n8n process serves; only reached if keys keep changing. */
const MAX_ENTRIES = 1_000;

interface Entry {
	secrets: Promise<ServiceSecrets>;
	expiresAt: number;
}

const entries = new Map<string, Entry>();

/**
 * The secrets cached under `key`, loading them with `load` when none are held or they expired.
 * Concurrent requests share one load; a failed load is not kept, so the next request retries.
 */
export async function recentSecrets(
	key: string,
	load: () => Promise<ServiceSecrets>,
	now: number = Date.now(),
): Promise<ServiceSecrets> {
	const held = entries.get(key);
	if (held && held.expiresAt > now) return await held.secrets;

	const secrets = load();
	const entry: Entry = { secrets, expiresAt: now + SECRETS_TTL_MS };
	entries.delete(key);
	if (entries.size >= MAX_ENTRIES) dropExpired(now);
	entries.set(key, entry);
	secrets.catch(() => {
		if (entries.get(key) === entry) entries.delete(key);
	});
	return await secrets;
}

function dropExpired(now: number): void {
	for (const [key, entry] of entries) {
		if (entry.expiresAt <= now) entries.delete(key);
	}
	// Map order is insertion order: what is left first is the longest held.
	for (const key of entries.keys()) {
		if (entries.size < MAX_ENTRIES) break;
		entries.delete(key);
	}
}
