import { connect } from 'node:net';

import { freePorts } from './ports';
import { spawnManaged, type ManagedProcess } from './processes';
import type { N8nRuntime } from './runtime';
import { pollUntil, tail } from './wait';

export interface RedisServer {
	port: number;
	process: ManagedProcess;
	stop(): Promise<void>;
}

async function ping(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect({ host: '127.0.0.1', port });
		let answer = '';
		socket.setTimeout(1000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString('utf8');
			if (answer.includes('\r\n')) {
				socket.end();
				resolve(answer.startsWith('+PONG'));
			}
		});
		socket.on('error', () => resolve(false));
		socket.on('close', () => resolve(answer.startsWith('+PONG')));
	});
}

/**
 * A dedicated, empty Redis for one n8n instance: queue mode keeps its webhook cache there, so a
 * shared Redis would leak stale webhook lookups between test runs.
 */
export async function startRedis(runtime: N8nRuntime, directory: string): Promise<RedisServer> {
	if (!runtime.redisServer) {
		throw new Error('queue mode needs redis-server: run `scripts/n8n/install.sh --queue-services`');
	}
	const [port] = await freePorts(1);
	const server = spawnManaged({
		name: 'redis',
		command: runtime.redisServer,
		args: [
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			directory,
			'--daemonize',
			'no',
		],
		env: process.env,
		cwd: directory,
	});
	await pollUntil(
		async () => {
			if (!server.isRunning()) throw new Error(`redis-server exited:\n${tail(server.logs())}`);
			return (await ping(port)) ? true : undefined;
		},
		{ timeoutMs: 30_000, intervalMs: 200, describe: () => `Redis on ${port}:\n${server.logs()}` },
	);
	return { port, process: server, stop: async () => await server.stop(10_000) };
}
