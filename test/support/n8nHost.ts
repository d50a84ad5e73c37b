/**
 * The pieces of an n8n host that the trigger needs, built from n8n-core's real classes: a
 * Workflow holding the trigger, the HookContext n8n hands to `webhookMethods`, the
 * WebhookContext it hands to `webhook()`, and the credentials helper of ./workflow.ts, which
 * applies the credential's generic authentication the way n8n does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialsHelper,
	type IDataObject,
	type INode,
	type INodeParameters,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { EmailEngineTrigger } from '../../nodes/EmailEngineTrigger/EmailEngineTrigger.node';
import { createCredentialsHelper, createNodeTypes, NODE_TYPES } from './workflow';

const TRIGGER_TYPE = NODE_TYPES.trigger;

export interface CredentialValues {
	baseUrl: string;
	accessToken: string;
	serviceSecret?: string;
	previousServiceSecret?: string;
}

export interface TriggerWorkflowOptions {
	parameters: INodeParameters;
	credentials: CredentialValues;
	/** The base n8n puts in front of production webhook paths, e.g. http://127.0.0.1:5678/webhook. */
	webhookBaseUrl?: string;
	staticData?: IDataObject;
	workflowId?: string;
}

/** One workflow with an EmailEngine Trigger, as n8n holds it while it is published or tested. */
export class TriggerWorkflow {
	readonly workflow: Workflow;

	readonly node: INode;

	readonly credentialsHelper: ICredentialsHelper;

	readonly webhookBaseUrl: string;

	constructor(options: TriggerWorkflowOptions) {
		this.webhookBaseUrl = options.webhookBaseUrl ?? 'http://127.0.0.1:5678/webhook';
		this.credentialsHelper = createCredentialsHelper({
			emailEngineApi: { ...options.credentials } as unknown as ICredentialDataDecryptedObject,
		});
		this.node = {
			id: randomUUID(),
			name: 'EmailEngine Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: options.parameters,
			credentials: { emailEngineApi: { id: 'cred-1', name: 'EmailEngine account' } },
		};
		this.workflow = new Workflow({
			id: options.workflowId ?? `wf-${randomUUID().slice(0, 8)}`,
			name: 'EmailEngine test workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: createNodeTypes({ [TRIGGER_TYPE]: new EmailEngineTrigger() }),
			staticData: options.staticData ?? {},
			settings: { executionOrder: 'v1' },
		});
	}

	get productionUrl(): string {
		return `${this.webhookBaseUrl}/${this.node.webhookId}/webhook`;
	}

	get testUrl(): string {
		return `${this.webhookBaseUrl}-test/${this.node.webhookId}/webhook`;
	}

	/** The node's static data, as n8n would persist it after publishing. */
	get nodeStaticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	additionalData(
		extra: Partial<IWorkflowExecuteAdditionalData> = {},
	): IWorkflowExecuteAdditionalData {
		return {
			credentialsHelper: this.credentialsHelper,
			webhookBaseUrl: this.webhookBaseUrl,
			webhookTestBaseUrl: `${this.webhookBaseUrl}-test`,
			webhookWaitingBaseUrl: `${this.webhookBaseUrl}-waiting`,
			formBaseUrl: '',
			formTestBaseUrl: '',
			formWaitingBaseUrl: '',
			mcpBaseUrl: '',
			mcpTestBaseUrl: '',
			restApiUrl: '',
			instanceBaseUrl: '',
			currentNodeExecutionIndex: 0,
			variables: {},
			...extra,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	webhookData(isTest: boolean): IWebhookData {
		const trigger = new EmailEngineTrigger();
		return {
			httpMethod: 'POST',
			node: this.node.name,
			path: `${this.node.webhookId}/webhook`,
			webhookDescription: trigger.description.webhooks![0],
			workflowId: this.workflow.id,
			workflowExecuteAdditionalData: this.additionalData(),
			webhookId: this.node.webhookId,
			isTest,
		};
	}

	/**
	 * The context n8n passes to checkExists/create/delete. Publishing uses mode `trigger` and
	 * activation `activate`; unpublishing `internal`/`update`; listening for a test event
	 * `manual`/`manual` with a test webhook.
	 */
	hookContext(
		mode: WorkflowExecuteMode,
		activation: WorkflowActivateMode,
		isTest = false,
	): HookContext {
		return new HookContext(
			this.workflow,
			this.node,
			this.additionalData(),
			mode,
			activation,
			this.webhookData(isTest),
		);
	}

	webhookContext(
		request: IncomingMessage,
		response: ServerResponse,
		isTest = false,
	): WebhookContext {
		const additionalData = this.additionalData({
			httpRequest: request as never,
			httpResponse: response as never,
		});
		return new WebhookContext(
			this.workflow,
			this.node,
			additionalData,
			isTest ? 'manual' : 'webhook',
			this.webhookData(isTest),
			[],
			null,
		);
	}
}

/** The lifecycle calls n8n makes, with the modes n8n 2.x uses for each. */
export async function publish(host: TriggerWorkflow): Promise<void> {
	const trigger = new EmailEngineTrigger();
	const context = host.hookContext('trigger', 'activate');
	if (!(await trigger.webhookMethods.default.checkExists.call(context))) {
		await trigger.webhookMethods.default.create.call(context);
	}
}

export async function unpublish(host: TriggerWorkflow): Promise<boolean> {
	const trigger = new EmailEngineTrigger();
	return await trigger.webhookMethods.default.delete.call(host.hookContext('internal', 'update'));
}

/**
 * What "Listen for test event" does: n8n works on a copy of the static data, registers the test
 * URL, and removes it again with that copy when listening ends.
 */
export async function listenForTestEvent(
	host: TriggerWorkflow,
): Promise<{ stop: () => Promise<void> }> {
	const trigger = new EmailEngineTrigger();
	const persisted = JSON.parse(JSON.stringify(host.workflow.staticData)) as IDataObject;

	const context = host.hookContext('manual', 'manual', true);
	if (!(await trigger.webhookMethods.default.checkExists.call(context))) {
		await trigger.webhookMethods.default.create.call(context);
	}

	return {
		stop: async () => {
			await trigger.webhookMethods.default.delete.call(
				host.hookContext('internal', 'update', true),
			);
			host.workflow.staticData = persisted as never;
		},
	};
}
