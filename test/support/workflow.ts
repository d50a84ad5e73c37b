import * as n8nCore from 'n8n-core';
import * as n8nWorkflow from 'n8n-workflow';

import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	Workflow as WorkflowType,
} from 'n8n-workflow';

import { EmailEngineApi } from '../../credentials/EmailEngineApi.credentials';
import { EmailEngine } from '../../nodes/EmailEngine/EmailEngine.node';
import { EmailEngineCorrelate } from '../../nodes/EmailEngineCorrelate/EmailEngineCorrelate.node';
import { EmailEngineNormalize } from '../../nodes/EmailEngineNormalize/EmailEngineNormalize.node';
import { EmailEngineTrigger } from '../../nodes/EmailEngineTrigger/EmailEngineTrigger.node';

/*
 * Runs real workflows in-process with n8n-core's WorkflowExecute, the engine n8n itself runs
 * executions with. Node types are this package's node classes (plus any a test adds); HTTP goes
 * out for real, authenticated the way n8n does it, from the credential's own `authenticate`.
 */

/** The package name n8n puts in front of this package's node type names. */
export const PACKAGE = 'n8n-nodes-emailengine';

export const NODE_TYPES = {
	trigger: `${PACKAGE}.emailEngineTrigger`,
	emailEngine: `${PACKAGE}.emailEngine`,
	correlate: `${PACKAGE}.emailEngineCorrelate`,
	normalize: `${PACKAGE}.emailEngineNormalize`,
} as const;

/** A workflow as n8n exports it (only the parts the engine needs). */
export interface WorkflowDefinition {
	name?: string;
	nodes: INode[];
	connections: IConnections;
}

export interface RunOptions {
	/** Node to start at; default: the first node without inputs (the trigger). */
	startNode?: string;
	/** Items the start node emits, as a trigger's `webhook()` would have returned them. */
	startItems?: Array<Record<string, unknown> | INodeExecutionData>;
	/** Decrypted credential data by credential type name, e.g. `{ emailEngineApi: {...} }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** More node types, keyed by their full type name (e.g. a test "CRM" node). */
	nodeTypes?: Record<string, INodeType>;
	/** More credential types the credentials helper should know how to apply. */
	credentialTypes?: ICredentialType[];
}

export interface WorkflowRun {
	run: IRun;
	/** The execution's error, if it stopped with one. */
	error: Error | undefined;
	/** Whether the node ran at all. */
	ran(nodeName: string): boolean;
	/** Items one output of a node produced in its first (or given) run. */
	items(nodeName: string, output?: number, runIndex?: number): INodeExecutionData[];
	/** The `json` of those items. */
	json(nodeName: string, output?: number, runIndex?: number): IDataObject[];
	/** Item counts per output of a node, e.g. `[0, 0, 1, 0]`. */
	outputCounts(nodeName: string, runIndex?: number): number[];
	/** The error a node stopped with, if any. */
	nodeError(nodeName: string): Error | undefined;
}

// n8n-core reads its user folder on import; test/setup/n8nUserFolder.ts points it at a temp folder.
const loaded = { core: n8nCore, workflow: n8nWorkflow };

function load() {
	return loaded;
}

/** An INodeTypes over the given node classes, as n8n's node loader provides one. */
export function createNodeTypes(types: Record<string, INodeType>): INodeTypes {
	return new NodeTypes(types, n8nWorkflow);
}

/** This package's node classes, keyed by type name. */
export function packageNodeTypes(): Record<string, INodeType> {
	return {
		[NODE_TYPES.trigger]: new EmailEngineTrigger(),
		[NODE_TYPES.emailEngine]: new EmailEngine(),
		[NODE_TYPES.correlate]: new EmailEngineCorrelate(),
		[NODE_TYPES.normalize]: new EmailEngineNormalize(),
	};
}

class NodeTypes implements INodeTypes {
	constructor(
		private readonly types: Record<string, INodeType>,
		private readonly workflowModule: typeof n8nWorkflow,
	) {}

	getByName(nodeType: string): INodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Unknown node type ${nodeType} in the test workflow`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return this.workflowModule.NodeHelpers.getVersionedNodeType(
			this.getByName(nodeType),
			version,
		) as INodeType;
	}

	getKnownTypes() {
		return Object.fromEntries(
			Object.keys(this.types).map((name) => [name, { className: name, sourcePath: '' }]),
		);
	}
}

/**
 * Hands out the test's credential data and applies a credential type's generic
 * `authenticate` block (headers, query, body, auth) by resolving its expressions against the
 * credential, as n8n's own credentials helper does.
 */
export function createCredentialsHelper(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	credentialTypes: ICredentialType[] = [new EmailEngineApi()],
) {
	const { workflow: workflowModule } = load();
	const byName = new Map(credentialTypes.map((type) => [type.name, type]));

	class TestCredentialsHelper extends workflowModule.ICredentialsHelper {
		getParentTypes(): string[] {
			return [];
		}

		isCredentialUsableByNode(): boolean {
			return true;
		}

		async authenticate(
			data: ICredentialDataDecryptedObject,
			typeName: string,
			requestOptions: IHttpRequestOptions,
			workflow?: WorkflowType,
			node?: INode,
		): Promise<IHttpRequestOptions> {
			const type = byName.get(typeName);
			const authenticate = type?.authenticate;
			if (!authenticate) return requestOptions;
			if (typeof authenticate === 'function') return await authenticate(data, requestOptions);
			return applyGeneric(authenticate, data, requestOptions, workflow, node);
		}

		async preAuthentication() {
			return undefined;
		}

		async runPreAuthentication() {
			return undefined;
		}

		async getCredentials(): Promise<never> {
			throw new Error('Encrypted credentials are not available in test workflows');
		}

		async getDecrypted(
			_additionalData: IWorkflowExecuteAdditionalData,
			_nodeCredentials: unknown,
			type: string,
		): Promise<ICredentialDataDecryptedObject> {
			const data = credentials[type];
			if (!data) throw new Error(`The test workflow has no "${type}" credential`);
			return structuredClone(data);
		}

		async updateCredentials() {}

		async updateCredentialsOauthTokenData() {}

		getCredentialsProperties(type: string) {
			return byName.get(type)?.properties ?? [];
		}
	}

	return new TestCredentialsHelper();
}

function applyGeneric(
	authenticate: IAuthenticateGeneric,
	data: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	workflow: WorkflowType | undefined,
	node: INode | undefined,
): IHttpRequestOptions {
	const resolve = (value: unknown): unknown => {
		if (typeof value !== 'string' || !value.startsWith('=')) return value;
		if (!workflow || !node) {
			throw new Error('Resolving a credential expression needs the workflow and the node');
		}
		return workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: data },
			undefined,
			'',
		);
	};

	const options = { ...requestOptions } as IHttpRequestOptions & Record<string, unknown>;
	for (const [section, entries] of Object.entries(authenticate.properties)) {
		if (!entries || typeof entries !== 'object') continue;
		const target = { ...((options[section] as Record<string, unknown> | undefined) ?? {}) };
		for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
			target[key] = resolve(value);
		}
		options[section] = target;
	}
	return options;
}

/** Runs a workflow to its end and returns what every node produced. */
export async function runWorkflow(
	definition: WorkflowDefinition,
	options: RunOptions = {},
): Promise<WorkflowRun> {
	const { core, workflow: workflowModule } = load();
	const nodeTypes = new NodeTypes({ ...packageNodeTypes(), ...options.nodeTypes }, workflowModule);

	const workflowData: IWorkflowBase = {
		id: 'test-workflow',
		name: definition.name ?? 'Test workflow',
		active: false,
		isArchived: false,
		nodes: definition.nodes,
		connections: definition.connections,
		settings: { executionOrder: 'v1' },
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;

	const workflow = new workflowModule.Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: definition.nodes,
		connections: definition.connections,
		nodeTypes,
		active: false,
		settings: workflowData.settings,
		staticData: {},
	});

	const startNode = options.startNode
		? workflow.getNode(options.startNode)
		: (definition.nodes.find(
				(node) => workflow.getParentNodes(node.name).length === 0,
			) as INode | null);
	if (!startNode) throw new Error('The test workflow has no start node');

	const hooks = new core.ExecutionLifecycleHooks('webhook', 'test-execution', workflowData);
	const finished = new Promise<IRun>((resolve) => {
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run));
	});

	const additionalData = {
		hooks,
		credentialsHelper: createCredentialsHelper(options.credentials ?? {}, [
			new EmailEngineApi(),
			...(options.credentialTypes ?? []),
		]),
		currentNodeParameters: undefined,
		executionId: 'test-execution',
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		userId: 'test-user',
		setExecutionStatus: () => {},
		logAiEvent: () => {},
		sendDataToUI: () => {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in test workflows');
		},
		getRunExecutionData: async () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;

	const startItems = (options.startItems ?? [{}]).map((item) =>
		'json' in item && typeof item.json === 'object'
			? (item as INodeExecutionData)
			: { json: item as IDataObject },
	);
	const stack: IExecuteData[] = [
		{ node: startNode, data: { main: [startItems as INodeExecutionData[]] }, source: null },
	];
	const runExecutionData: IRunExecutionData = workflowModule.createRunExecutionData({
		executionData: { nodeExecutionStack: stack },
	});

	const execute = new core.WorkflowExecute(additionalData, 'webhook', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await finished;

	const runData = run.data.resultData.runData;
	const task = (nodeName: string, runIndex = 0) => runData[nodeName]?.[runIndex];

	return {
		run,
		error: run.data.resultData.error as Error | undefined,
		ran: (nodeName) => task(nodeName) !== undefined,
		items: (nodeName, output = 0, runIndex = 0) =>
			task(nodeName, runIndex)?.data?.main?.[output] ?? [],
		json: (nodeName, output = 0, runIndex = 0) =>
			(task(nodeName, runIndex)?.data?.main?.[output] ?? []).map((item) => item.json),
		outputCounts: (nodeName, runIndex = 0) =>
			(task(nodeName, runIndex)?.data?.main ?? []).map((items) => items?.length ?? 0),
		nodeError: (nodeName) => task(nodeName)?.error as Error | undefined,
	};
}

/** A workflow node with the defaults n8n gives a node dropped on the canvas. */
export function node(
	name: string,
	type: string,
	parameters: Record<string, unknown> = {},
	extra: Partial<INode> = {},
): INode {
	return {
		id: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-id`,
		name,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		...extra,
	};
}

/** Connects `from`'s outputs (in order) to the given nodes; `null` leaves an output free. */
export function connect(
	connections: IConnections,
	from: string,
	...targets: Array<string | string[] | null>
): IConnections {
	connections[from] = {
		main: targets.map((target) =>
			target === null
				? []
				: (Array.isArray(target) ? target : [target]).map((name) => ({
						node: name,
						type: 'main' as const,
						index: 0,
					})),
		),
	};
	return connections;
}
