import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the cached Node 24 / n8n install lives, as reported by scripts/n8n/install.sh. */
export interface N8nRuntime {
	node: string;
	nodeHome: string;
	n8nBin: string;
	n8nVersion: string;
	/** Empty when PostgreSQL is not installed (queue mode then cannot start). */
	pgBinDir: string;
	/** Empty when redis-server is not installed. */
	redisServer: string;
}

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const installScript = join(repoRoot, 'scripts', 'n8n', 'install.sh');

let cached: Promise<N8nRuntime> | undefined;

function parse(output: string): N8nRuntime {
	const values = new Map<string, string>();
	for (const line of output.split('\n')) {
		const match = /^(N8N_EE_[A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (match) values.set(match[1], match[2]);
	}
	const get = (key: string) => values.get(key) ?? '';
	const runtime: N8nRuntime = {
		node: get('N8N_EE_NODE'),
		nodeHome: get('N8N_EE_NODE_HOME'),
		n8nBin: get('N8N_EE_N8N_BIN'),
		n8nVersion: get('N8N_EE_N8N_VERSION'),
		pgBinDir: get('N8N_EE_PG_BINDIR'),
		redisServer: get('N8N_EE_REDIS_SERVER'),
	};
	if (!existsSync(runtime.node) || !existsSync(runtime.n8nBin)) {
		throw new Error(`install.sh did not report a usable n8n:\n${output}`);
	}
	return runtime;
}

/**
 * Installs n8n on first use (minutes, progress on stderr) and returns its paths; instant when the
 * cache is complete. Memoised per test worker.
 */
export async function resolveRuntime(
	options: { queueServices?: boolean; showProgress?: boolean } = {},
): Promise<N8nRuntime> {
	if (cached && !options.queueServices) return await cached;
	const args = ['--print-paths', ...(options.queueServices ? ['--queue-services'] : [])];
	const attempt = new Promise<N8nRuntime>((resolvePaths, reject) => {
		const child = execFile(
			'bash',
			[installScript, ...args],
			{ cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
			(error, stdout, stderr) => {
				if (error) reject(new Error(`${installScript} failed: ${error.message}\n${stderr}`));
				else {
					try {
						resolvePaths(parse(stdout));
					} catch (parseError) {
						reject(parseError);
					}
				}
			},
		);
		if (options.showProgress) child.stderr?.pipe(process.stderr);
	});
	cached = attempt;
	attempt.catch(() => (cached = undefined));
	return await attempt;
}
