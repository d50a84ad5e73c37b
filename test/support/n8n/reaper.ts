import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A detached watchdog that outlives the test process by a moment: when its stdin closes (the test
 * process exited, crashed or was killed), it SIGKILLs every process group still registered and
 * removes the registered temp folders. An 'exit' handler alone is not enough: under jest `process`
 * is a sandboxed copy whose 'exit' event never fires, and SIGKILL runs no handler at all.
 */
const WATCHDOG = `
const { rmSync } = require('node:fs');
const groups = new Set();
const folders = new Set();
let pending = '';
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
	pending += chunk;
	let newline;
	while ((newline = pending.indexOf('\\n')) >= 0) {
		const message = JSON.parse(pending.slice(0, newline));
		pending = pending.slice(newline + 1);
		const set = message.group !== undefined ? groups : folders;
		const value = message.group !== undefined ? message.group : message.folder;
		if (message.add) set.add(value); else set.delete(value);
	}
});
process.stdin.on('end', () => {
	for (const group of groups) { try { process.kill(-group, 'SIGKILL'); } catch {} }
	setTimeout(() => {
		for (const folder of folders) { try { rmSync(folder, { recursive: true, force: true }); } catch {} }
		process.exit(0);
	}, groups.size > 0 ? 1000 : 0);
});
`;

let watchdog: ChildProcess | undefined;

function send(message: object): void {
	if (!watchdog) {
		watchdog = spawn(process.execPath, ['-e', WATCHDOG], {
			detached: true,
			stdio: ['pipe', 'ignore', 'ignore'],
		});
		watchdog.unref();
		// The pipe must not keep the test process alive; closing it is the signal to reap.
		(watchdog.stdin as unknown as { unref(): void }).unref();
	}
	watchdog.stdin?.write(`${JSON.stringify(message)}\n`);
}

export const reaper = {
	watchGroup: (group: number) => send({ add: true, group }),
	forgetGroup: (group: number) => send({ add: false, group }),
	watchFolder: (folder: string) => send({ add: true, folder }),
	forgetFolder: (folder: string) => send({ add: false, folder }),
};
