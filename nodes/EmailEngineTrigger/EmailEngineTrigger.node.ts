import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { eventIdMemoryFor } from '../shared/dedup';
import { getAccounts } from '../shared/loadOptions';
import { CREDENTIAL_TYPE } from '../shared/transport';
import { triggerProperties } from './description';
import { receive, type IncomingHeaders } from './receive';
import { checkRegistration, createRegistration, deleteRegistration } from './registration';
import { readTriggerSettings } from './settings';

export class EmailEngineTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EmailEngine Trigger',
		name: 'emailEngineTrigger',
		icon: {
			light: 'file:../../icons/emailengine.svg',
			dark: 'file:../../icons/emailengine.dark.svg',
		},
		group: ['trigger'],
		// 1.1 behaves exactly like 1. n8n evaluates one extra expression on every request to a
		// version 1 webhook node, which costs an expression isolate per request.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts the workflow when EmailEngine sends a signed webhook event',
		defaults: { name: 'EmailEngine Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'webhook',
			},
		],
		triggerPanel: {
			header: 'Listen for an EmailEngine event',
			executionsHelp: {
				inactive:
					'While you listen, the next event EmailEngine sends to the test URL starts one test execution. With automatic registration the test URL is registered only if the chosen webhook URL is unused: a published workflow keeps receiving its events, and this panel then receives none. Publish the workflow to receive events on the production URL.',
				active:
					'The workflow is published: every selected EmailEngine event starts an execution, which you can see in the executions list. Listening here would not divert those events to the test URL.',
			},
			activationHint:
				'Publish the workflow to register the production URL with EmailEngine (or point a webhook route at it, with manual registration).',
		},
		properties: triggerProperties,
	};

	methods = { loadOptions: { getAccounts } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkRegistration.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createRegistration.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteRegistration.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		if (!request.rawBody) await request.readRawBody();

		const settings = await readTriggerSettings(this, { recentSecrets: true });
		const memory = eventIdMemoryFor(
			`${this.getWorkflow().id}:${this.getNode().id}:${this.getMode()}`,
		);

		const outcome = receive(
			request.rawBody ?? Buffer.alloc(0),
			request.headers as IncomingHeaders,
			{
				secrets: settings.secrets,
				acceptUnsigned: settings.acceptUnsigned,
				events: new Set(settings.events),
				accounts: settings.accounts ? new Set(settings.accounts) : null,
				output: settings.output,
				includeRaw: settings.includeRaw,
			},
			memory,
		);

		if (outcome.kind === 'accept') {
			// n8n answers with an error when it cannot start the execution (its database is gone, for
			// example). EmailEngine then retries, and the retry must not be dropped as a duplicate.
			const response = this.getResponseObject();
			response.once('finish', () => {
				if (response.statusCode < 200 || response.statusCode >= 300) memory.forget(outcome.keys);
			});
			return { workflowData: [[{ json: outcome.item }]] };
		}

		if (outcome.kind === 'ignore') {
			this.logger.debug(`EmailEngine Trigger dropped an event: ${outcome.reason}`, {
				workflowId: this.getWorkflow().id,
			});
			return { webhookResponse: { received: true, ignored: outcome.reason } };
		}

		this.logger.warn(`EmailEngine Trigger rejected a webhook request: ${outcome.logReason}`, {
			workflowId: this.getWorkflow().id,
			status: outcome.status,
			webhookJobId: request.headers['x-ee-wh-id'],
		});
		// Plain Node response methods, so that nothing depends on the web framework n8n uses.
		const response = this.getResponseObject();
		response.statusCode = outcome.status;
		response.setHeader('content-type', 'application/json; charset=utf-8');
		response.end(JSON.stringify({ error: outcome.message }));
		return { noWebhookResponse: true };
	}
}
