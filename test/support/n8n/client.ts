import { expectOk, http, type HttpRequest, type HttpResult } from './http';
import { pollUntil } from './wait';

/** The parts of a workflow the public API accepts on create; read-only fields are dropped. */
export interface WorkflowInput {
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	staticData?: unknown;
	pinData?: unknown;
	description?: string;
	[readOnlyField: string]: unknown;
}

export interface Workflow {
	id: string;
	name: string;
	active: boolean;
	versionId: string;
	nodes: Array<{ name: string; type: string; webhookId?: string; [key: string]: unknown }>;
	[key: string]: unknown;
}

export interface Execution {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	/** Present when listed with includeData. */
	data?: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<Array<{ json: unknown }>> } }>>;
			error?: { message: string };
		};
	};
	[key: string]: unknown;
}

export interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	credentials?: Array<{ name: string }>;
	[key: string]: unknown;
}

const WRITABLE_WORKFLOW_FIELDS = [
	'name',
	'description',
	'nodes',
	'connections',
	'settings',
	'staticData',
	'pinData',
];

const UNFINISHED = new Set(['new', 'running', 'waiting']);

/** Talks to one n8n the way a user or script would: the public API (key) and REST (cookie). */
export class N8nClient {
	constructor(
		public baseUrl: string,
		public apiKey: string,
		public cookie: string,
	) {}

	/** A public API call (`/api/v1...`); throws unless 2xx. */
	async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const result = await http<T>(`${this.baseUrl}/api/v1${path}`, {
			method,
			body,
			headers: { 'X-N8N-API-KEY': this.apiKey, accept: 'application/json' },
		});
		return expectOk(result, `${method} /api/v1${path}`);
	}

	/** An editor REST call (`/rest...`) with the owner's session; returns the unwrapped `data`. */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const result = await this.restRaw<{ data: T }>(method, path, { body });
		return expectOk(result, `${method} /rest${path}`).data;
	}

	async restRaw<T = unknown>(
		method: string,
		path: string,
		request: HttpRequest = {},
	): Promise<HttpResult<T>> {
		return await http<T>(`${this.baseUrl}/rest${path}`, {
			...request,
			method,
			headers: { cookie: this.cookie, ...request.headers },
		});
	}

	/** The node types the editor loads, community packages included (same file the UI fetches). */
	async nodeTypes(): Promise<NodeTypeDescription[]> {
		const result = await http<NodeTypeDescription[]>(`${this.baseUrl}/types/nodes.json`, {
			headers: { cookie: this.cookie },
		});
		return expectOk(result, 'GET /types/nodes.json');
	}

	async credentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		const result = await http<Array<{ name: string; displayName: string }>>(
			`${this.baseUrl}/types/credentials.json`,
			{ headers: { cookie: this.cookie } },
		);
		return expectOk(result, 'GET /types/credentials.json');
	}

	async createWorkflow(json: WorkflowInput): Promise<Workflow> {
		const body: Record<string, unknown> = {};
		for (const field of WRITABLE_WORKFLOW_FIELDS) {
			if (json[field] !== undefined) body[field] = json[field];
		}
		body.settings ??= { executionOrder: 'v1' };
		return await this.api<Workflow>('POST', '/workflows', body);
	}

	async getWorkflow(id: string): Promise<Workflow> {
		return await this.api<Workflow>('GET', `/workflows/${id}`);
	}

	/**
	 * Publishes the workflow. n8n applies triggers asynchronously afterwards: use waitForWebhook or
	 * waitForPublication before sending events.
	 */
	async activate(id: string): Promise<Workflow> {
		return await this.api<Workflow>('POST', `/workflows/${id}/activate`);
	}

	async deactivate(id: string): Promise<Workflow> {
		return await this.api<Workflow>('POST', `/workflows/${id}/deactivate`);
	}

	async deleteWorkflow(id: string): Promise<void> {
		await this.api('DELETE', `/workflows/${id}`);
	}

	/**
	 * Waits until n8n serves `url` for `method`, without triggering an execution: a CORS preflight
	 * (OPTIONS with an Origin) makes n8n look the webhook up and answer 404 while it is not
	 * registered, 204 with the registered methods once it is. `registered: false` waits for the
	 * opposite, e.g. after deactivating.
	 */
	async waitForWebhook(
		url: string,
		options: { method?: string; timeoutMs?: number; registered?: boolean } = {},
	): Promise<void> {
		const method = (options.method ?? 'POST').toUpperCase();
		const wanted = options.registered ?? true;
		let last = '';
		await pollUntil(
			async () => {
				const result = await http(url, {
					method: 'OPTIONS',
					headers: { origin: 'http://127.0.0.1', 'access-control-request-method': method },
					timeoutMs: 5000,
				});
				last = `${result.status} ${result.text.slice(0, 300)}`;
				const allowed = (result.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
				const registered = result.status === 204 && allowed.includes(method);
				return registered === wanted ? true : undefined;
			},
			{
				timeoutMs: options.timeoutMs ?? 60_000,
				intervalMs: 200,
				describe: () =>
					`webhook ${method} ${url} to be ${wanted ? '' : 'un'}registered (last answer: ${last})`,
			},
		);
	}

	/** Only answered when N8N_USE_WORKFLOW_PUBLICATION_SERVICE is on (2.41's default). */
	async publicationStatus(id: string): Promise<PublicationStatus> {
		return await this.rest<PublicationStatus>('GET', `/workflows/${id}/publication-status`);
	}

	/** Waits until publishing has settled and returns the outcome (published, partial or failed). */
	async waitForPublication(id: string, timeoutMs = 60_000): Promise<PublicationStatus> {
		let last: PublicationStatus | undefined;
		return await pollUntil(
			async () => {
				last = await this.publicationStatus(id);
				return ['published', 'partial', 'failed'].includes(last.status) ? last : undefined;
			},
			{
				timeoutMs,
				intervalMs: 200,
				describe: () => `publication of workflow ${id} (last: ${JSON.stringify(last)})`,
			},
		);
	}

	/** Every execution of the workflow, newest first, following the API's pagination. */
	async listExecutions(workflowId: string, includeData = false): Promise<Execution[]> {
		const executions: Execution[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({
				workflowId,
				includeData: String(includeData),
				limit: '250',
			});
			if (cursor) query.set('cursor', cursor);
			const page = await this.api<{ data: Execution[]; nextCursor: string | null }>(
				'GET',
				`/executions?${query.toString()}`,
			);
			executions.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return executions;
	}

	/**
	 * Waits until the workflow has at least `count` finished executions (any outcome) and none
	 * still running, then returns them oldest first.
	 */
	async waitForExecutions(
		workflowId: string,
		count: number,
		options: { includeData?: boolean; timeoutMs?: number } = {},
	): Promise<Execution[]> {
		let seen: Execution[] = [];
		return await pollUntil(
			async () => {
				seen = await this.listExecutions(workflowId, options.includeData ?? true);
				const finished = seen.filter((execution) => !UNFINISHED.has(execution.status));
				if (finished.length < count || finished.length < seen.length) return undefined;
				return [...seen].sort((a, b) => Number(a.id) - Number(b.id));
			},
			{
				timeoutMs: options.timeoutMs ?? 60_000,
				intervalMs: 300,
				describe: () =>
					`${count} finished executions of workflow ${workflowId} ` +
					`(have: ${seen.map((execution) => `${execution.id}:${execution.status}`).join(', ')})`,
			},
		);
	}
}
