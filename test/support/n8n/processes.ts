import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

import { reaper } from './reaper';

/** A child started in its own process group, so that its helpers (n8n's task runner) die with it. */
export interface ManagedProcess {
	readonly name: string;
	readonly pid: number;
	/** Everything the process wrote to stdout and stderr so far. */
	logs(): string;
	/** Resolves with the exit code (or signal name) once the process has exited. */
	readonly exited: Promise<number | string>;
	isRunning(): boolean;
	/** `signal` to the whole group, then SIGKILL after `graceMs`. Resolves when the leader is gone. */
	stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnOptions {
	name: string;
	command: string;
	args: string[];
	env: NodeJS.ProcessEnv;
	cwd?: string;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// The group is already gone.
	}
}

// A test that crashes or forgets stop() must not leave n8n, PostgreSQL or Redis behind. Outside
// jest this 'exit' handler does it at once; the reaper covers every other way of dying.
process.once('exit', () => {
	for (const child of running) killGroup(child, 'SIGKILL');
});

const MAX_LOG_CHARS = 4_000_000;

export function spawnManaged(options: SpawnOptions): ManagedProcess {
	const child = spawn(options.command, options.args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) {
		throw new Error(`could not start ${options.name}: ${options.command}`);
	}
	running.add(child);
	const pid = child.pid;
	reaper.watchGroup(pid);
	let output = '';
	let dropped = 0;
	const append = (chunk: Buffer) => {
		output += chunk.toString('utf8');
		if (output.length > MAX_LOG_CHARS) {
			// Keep the recent part: a long load run must not exhaust memory of the test process.
			const cut = output.length - MAX_LOG_CHARS / 2;
			dropped += cut;
			output = output.slice(cut);
		}
	};
	child.stdout?.on('data', append);
	child.stderr?.on('data', append);

	let exitedFlag = false;
	const exited = new Promise<number | string>((resolve) => {
		child.once('exit', (code, signal) => {
			exitedFlag = true;
			running.delete(child);
			resolve(code ?? signal ?? 'unknown');
		});
		child.once('error', (error) => {
			exitedFlag = true;
			running.delete(child);
			append(Buffer.from(`\n[spawn error] ${error.message}\n`));
			resolve('spawn-error');
		});
	});

	return {
		name: options.name,
		pid,
		logs: () => (dropped > 0 ? `[${dropped} earlier characters dropped]\n` : '') + output,
		exited,
		isRunning: () => !exitedFlag,
		async stop(graceMs = 20_000, signal: NodeJS.Signals = 'SIGTERM') {
			if (exitedFlag) {
				// The leader is gone but a child of the group may linger.
				killGroup(child, 'SIGKILL');
				reaper.forgetGroup(pid);
				return;
			}
			killGroup(child, signal);
			const timer = new Promise<'timeout'>((resolve) => {
				const handle = setTimeout(() => resolve('timeout'), graceMs);
				handle.unref();
			});
			await Promise.race([exited, timer]);
			// Whatever the leader did, no member of its group may survive it.
			killGroup(child, 'SIGKILL');
			if (!exitedFlag) await exited;
			reaper.forgetGroup(pid);
		},
	};
}

/** Runs a short command to completion and returns its output, failing with that output. */
export async function runToCompletion(
	command: string,
	args: string[],
	options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<string> {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	const [code] = (await once(child, 'close')) as [number | null];
	if (code !== 0) {
		throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`);
	}
	return output;
}
