import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { N8nClient } from './client';
import { http } from './http';
import { n8nProcessEnv } from './n8nEnv';
import { createApiKey, logIn, setUpOwner, testOwner, type OwnerAccount } from './owner';
import { installPackage, packedPackage } from './packageTarball';
import { freePorts } from './ports';
import { startPostgres, type PostgresServer } from './postgres';
import { spawnManaged, type ManagedProcess } from './processes';
import { reaper } from './reaper';
import { startRedis, type RedisServer } from './redis';
import { resolveRuntime, type N8nRuntime } from './runtime';
import { pollUntil, tail } from './wait';

export type N8nMode = 'single' | 'queue';
export type N8nProcessName = 'main' | 'webhook' | 'worker';

export interface StartN8nOptions {
	/** `single`: one `n8n start` on SQLite. `queue`: main + webhook + worker, PostgreSQL, Redis. */
	mode?: N8nMode;
	/** Extra environment for every n8n process (wins over the harness's settings). */
	env?: Record<string, string>;
	/** Sets N8N_USE_WORKFLOW_PUBLICATION_SERVICE; `false` selects the legacy activation path. */
	useWorkflowPublicationService?: boolean;
	/** Sets N8N_EXPRESSION_ENGINE; n8n's default is kept when omitted. */
	expressionEngine?: string;
	/** Install the packed package as a community package (default true). */
	installPackage?: boolean;
	/** A tarball to install instead of this repository's build. */
	tarball?: string;
	/** How long each process may take to become ready (default 180 s; the first start migrates). */
	readyTimeoutMs?: number;
}

interface Ports {
	main: number;
	mainBroker: number;
	webhook: number;
	webhookBroker: number;
	workerBroker: number;
	workerHealth: number;
}

const STOP_GRACE_MS = 15_000;

/** One running n8n (or n8n cluster in queue mode) in its own temp folder. */
export class N8nInstance extends N8nClient {
	/** Base of production webhook URLs (`<webhookBaseUrl>/webhook/...`): the webhook process in queue mode. */
	readonly webhookBaseUrl: string;
	readonly userFolder: string;
	readonly owner: OwnerAccount = testOwner;
	private readonly processes = new Map<N8nProcessName, ManagedProcess>();
	private readonly previousLogs = new Map<string, string>();
	private stopped = false;

	constructor(
		readonly mode: N8nMode,
		private readonly runtime: N8nRuntime,
		private readonly folder: string,
		private readonly ports: Ports,
		private readonly settings: Record<string, string>,
		private readonly readyTimeoutMs: number,
		private readonly services: { postgres?: PostgresServer; redis?: RedisServer },
	) {
		super(`http://127.0.0.1:${ports.main}`, '', '');
		this.userFolder = join(folder, 'home');
		this.webhookBaseUrl =
			mode === 'queue' ? `http://127.0.0.1:${ports.webhook}` : `http://127.0.0.1:${ports.main}`;
	}

	/** The production URL of a webhook path, on the process that serves webhooks. */
	webhookUrl(path: string): string {
		return `${this.webhookBaseUrl}/webhook/${path.replace(/^\/+/, '')}`;
	}

	/**
	 * Logs of one process (including its runs before restarts), or of all of them, each line
	 * prefixed with the process name.
	 */
	logs(name?: N8nProcessName | 'postgres' | 'redis'): string {
		const names = name ? [name] : ['main', 'webhook', 'worker', 'postgres', 'redis'];
		return names
			.map((each) => {
				const current = this.processFor(each)?.logs() ?? '';
				const text = (this.previousLogs.get(each) ?? '') + current;
				if (name) return text;
				return text
					? text
							.split('\n')
							.map((line) => `[${each}] ${line}`)
							.join('\n')
					: '';
			})
			.filter((text) => text.length > 0)
			.join('\n');
	}

	private processFor(name: string): ManagedProcess | undefined {
		if (name === 'postgres') return this.services.postgres?.process;
		if (name === 'redis') return this.services.redis?.process;
		return this.processes.get(name as N8nProcessName);
	}

	async start(firstStart: boolean): Promise<void> {
		await this.launchProcess('main');
		if (this.mode === 'queue') {
			await Promise.all([this.launchProcess('webhook'), this.launchProcess('worker')]);
		}
		if (firstStart) {
			await setUpOwner(this.baseUrl, this.owner);
		}
		this.cookie = await logIn(this.baseUrl, this.owner);
		if (firstStart) {
			this.apiKey = await createApiKey(this.baseUrl, this.cookie, 'e2e harness');
		}
	}

	/** Settings that differ per process: listening port and task-runner broker port. */
	private ownSettings(name: N8nProcessName): Record<string, string> {
		switch (name) {
			case 'main':
				return {
					N8N_PORT: String(this.ports.main),
					N8N_RUNNERS_BROKER_PORT: String(this.ports.mainBroker),
				};
			case 'webhook':
				return {
					N8N_PORT: String(this.ports.webhook),
					N8N_RUNNERS_BROKER_PORT: String(this.ports.webhookBroker),
				};
			case 'worker':
				return {
					N8N_RUNNERS_BROKER_PORT: String(this.ports.workerBroker),
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(this.ports.workerHealth),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				};
		}
	}

	private async launchProcess(name: N8nProcessName): Promise<void> {
		const env = n8nProcessEnv(dirname(this.runtime.node), this.userFolder, {
			...this.settings,
			...this.ownSettings(name),
		});
		const command = { main: 'start', webhook: 'webhook', worker: 'worker' }[name];
		const health = {
			main: this.baseUrl,
			webhook: this.webhookBaseUrl,
			worker: `http://127.0.0.1:${this.ports.workerHealth}`,
		}[name];
		await this.launch(name, command, env, health);
	}

	private async launch(
		name: N8nProcessName,
		command: string,
		env: NodeJS.ProcessEnv,
		healthBaseUrl: string,
	): Promise<void> {
		const child = spawnManaged({
			name,
			command: this.runtime.node,
			args: [this.runtime.n8nBin, command],
			env,
			cwd: this.userFolder,
		});
		this.processes.set(name, child);
		await pollUntil(
			async () => {
				if (!child.isRunning()) {
					throw new Error(`n8n ${command} exited early:\n${tail(child.logs(), 80)}`);
				}
				const result = await http(`${healthBaseUrl}/healthz/readiness`, { timeoutMs: 2000 });
				return result.status === 200 ? true : undefined;
			},
			{
				timeoutMs: this.readyTimeoutMs,
				intervalMs: 250,
				describe: () => `n8n ${command} to be ready:\n${tail(child.logs(), 80)}`,
			},
		);
	}

	private async stopProcesses(): Promise<void> {
		// Webhook and worker first, so that main is not asked to hand out work while they leave.
		const secondary = (['webhook', 'worker'] as const).filter((name) => this.processes.has(name));
		await Promise.all(secondary.map(async (name) => await this.stopOne(name)));
		if (this.processes.has('main')) await this.stopOne('main');
	}

	private async stopOne(name: N8nProcessName): Promise<void> {
		const child = this.processes.get(name);
		if (!child) return;
		await child.stop(STOP_GRACE_MS);
		this.previousLogs.set(name, (this.previousLogs.get(name) ?? '') + child.logs());
		this.processes.delete(name);
	}

	/**
	 * Stops the n8n processes and starts them again on the same ports, database, Redis and user
	 * folder, optionally with changed settings (e.g. the publication service switched off).
	 */
	async restart(options: { env?: Record<string, string> } = {}): Promise<void> {
		if (this.stopped) throw new Error('restart() after stop()');
		await this.stopProcesses();
		Object.assign(this.settings, options.env ?? {});
		await this.start(false);
	}

	/** Stops one process of a queue-mode cluster and starts it again, leaving the others running. */
	async restartProcess(name: N8nProcessName): Promise<void> {
		if (this.stopped) throw new Error('restartProcess() after stop()');
		if (!this.processes.has(name)) throw new Error(`no ${name} process is running`);
		await this.stopOne(name);
		await this.launchProcess(name);
	}

	/** Stops every process this instance started and deletes its temp folder. Safe to call twice. */
	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		try {
			await this.stopProcesses();
			await Promise.all([this.services.redis?.stop(), this.services.postgres?.stop()]);
		} finally {
			rmSync(this.folder, { recursive: true, force: true });
			reaper.forgetFolder(this.folder);
		}
	}
}

/**
 * Starts a real n8n with this package installed as a community package, creates the owner, logs
 * in and creates an API key. Always pair with `await n8n.stop()` (e.g. in afterAll).
 */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	const mode = options.mode ?? 'single';
	const runtime = await resolveRuntime({ queueServices: mode === 'queue' });
	const folder = mkdtempSync(join(tmpdir(), `n8n-ee-${mode}-`));
	reaper.watchFolder(folder);
	// The PostgreSQL server may run as another user, which must be able to reach its folder.
	chmodSync(folder, 0o711);
	const userFolder = join(folder, 'home');
	mkdirSync(userFolder, { recursive: true });

	const services: { postgres?: PostgresServer; redis?: RedisServer } = {};
	let instance: N8nInstance | undefined;
	let started = false;
	try {
		if (options.installPackage !== false) {
			await installPackage(userFolder, options.tarball ?? (await packedPackage()));
		}
		const [main, mainBroker, webhook, webhookBroker, workerBroker, workerHealth] =
			await freePorts(6);
		const ports: Ports = { main, mainBroker, webhook, webhookBroker, workerBroker, workerHealth };
		const webhookPort = mode === 'queue' ? webhook : main;
		const settings: Record<string, string> = {
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${main}/`,
			WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
		};
		if (mode === 'queue') {
			const pgFolder = join(folder, 'postgres');
			const redisFolder = join(folder, 'redis');
			mkdirSync(pgFolder);
			mkdirSync(redisFolder);
			[services.postgres, services.redis] = await Promise.all([
				startPostgres(runtime, pgFolder),
				startRedis(runtime, redisFolder),
			]);
			Object.assign(settings, {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(services.postgres.port),
				DB_POSTGRESDB_DATABASE: services.postgres.database,
				DB_POSTGRESDB_USER: services.postgres.user,
				DB_POSTGRESDB_PASSWORD: 'unused-with-trust-auth',
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(services.redis.port),
				N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			});
		} else {
			settings.DB_TYPE = 'sqlite';
		}
		if (options.useWorkflowPublicationService !== undefined) {
			settings.N8N_USE_WORKFLOW_PUBLICATION_SERVICE = String(options.useWorkflowPublicationService);
		}
		if (options.expressionEngine !== undefined) {
			settings.N8N_EXPRESSION_ENGINE = options.expressionEngine;
		}
		Object.assign(settings, options.env ?? {});

		instance = new N8nInstance(
			mode,
			runtime,
			folder,
			ports,
			settings,
			options.readyTimeoutMs ?? 180_000,
			services,
		);
		await instance.start(true);
		started = true;
		return instance;
	} finally {
		// A failed start cleans up after itself; the error already carries the process's log tail.
		if (!started) {
			if (instance) await instance.stop();
			else {
				await Promise.all([services.redis?.stop(), services.postgres?.stop()]);
				rmSync(folder, { recursive: true, force: true });
				reaper.forgetFolder(folder);
			}
		}
	}
}
