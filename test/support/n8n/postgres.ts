import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { freePorts } from './ports';
import { runToCompletion, spawnManaged, type ManagedProcess } from './processes';
import type { N8nRuntime } from './runtime';
import { pollUntil, tail } from './wait';

export interface PostgresServer {
	port: number;
	database: string;
	user: string;
	process: ManagedProcess;
	stop(): Promise<void>;
}

interface RunAs {
	command: string;
	prefix: string[];
}

/**
 * PostgreSQL refuses to run as root, and CI runs as root: then initdb and the server run as the
 * `postgres` system user that Debian's package creates. setpriv execs in place (no extra parent).
 */
async function runAsForPostgres(directory: string): Promise<RunAs | undefined> {
	if (process.getuid?.() !== 0) return undefined;
	const uid = (await runToCompletion('id', ['-u', 'postgres'])).trim();
	const gid = (await runToCompletion('id', ['-g', 'postgres'])).trim();
	await runToCompletion('chown', ['-R', `${uid}:${gid}`, directory]);
	return {
		command: 'setpriv',
		prefix: ['--reuid', uid, '--regid', gid, '--clear-groups', '--'],
	};
}

/** A throw-away cluster in `directory` on a free loopback port, tuned for speed over durability. */
export async function startPostgres(
	runtime: N8nRuntime,
	directory: string,
): Promise<PostgresServer> {
	if (!runtime.pgBinDir || !existsSync(join(runtime.pgBinDir, 'initdb'))) {
		throw new Error(
			'queue mode needs PostgreSQL: run `scripts/n8n/install.sh --queue-services` first',
		);
	}
	const dataDir = join(directory, 'data');
	const socketDir = join(directory, 'socket');
	mkdirSync(socketDir, { recursive: true });
	const runAs = await runAsForPostgres(directory);
	const wrap = (binary: string, args: string[]): [string, string[]] => {
		const path = join(runtime.pgBinDir, binary);
		return runAs ? [runAs.command, [...runAs.prefix, path, ...args]] : [path, args];
	};
	const [initCommand, initArgs] = wrap('initdb', [
		'-D',
		dataDir,
		'-A',
		'trust',
		'-U',
		'postgres',
		'-E',
		'UTF8',
		'--locale=C',
		'--no-sync',
	]);
	await runToCompletion(initCommand, initArgs, { cwd: directory });

	const [port] = await freePorts(1);
	const [serverCommand, serverArgs] = wrap('postgres', [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-k',
		socketDir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
	]);
	const server = spawnManaged({
		name: 'postgres',
		command: serverCommand,
		args: serverArgs,
		env: process.env,
		cwd: directory,
	});
	const database = 'n8n';
	await pollUntil(
		async () => {
			if (!server.isRunning()) throw new Error(`postgres exited:\n${tail(server.logs())}`);
			await runToCompletion(join(runtime.pgBinDir, 'createdb'), [
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'postgres',
				database,
			]);
			return true;
		},
		{
			timeoutMs: 60_000,
			intervalMs: 300,
			describe: () => `PostgreSQL on port ${port}:\n${tail(server.logs())}`,
		},
	);
	return {
		port,
		database,
		user: 'postgres',
		process: server,
		// SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to disconnect.
		stop: async () => await server.stop(15_000, 'SIGINT'),
	};
}
