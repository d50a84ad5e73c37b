/**
 * A loopback HTTP server that hands webhook requests to the trigger's `webhook()` the way n8n's
 * webhook endpoint does: the raw body reader (with gzip and deflate), n8n's JSON body parser
 * and its 422 for unparsable JSON, a real n8n-core WebhookContext, and the responses n8n sends
 * for each kind of result. Each result with workflow data counts as one execution.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

import type { IDataObject, INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

import { EmailEngineTrigger } from '../../nodes/EmailEngineTrigger/EmailEngineTrigger.node';
import type { TriggerWorkflow } from './n8nHost';

export interface Execution {
	items: IDataObject[];
	test: boolean;
}

export interface WebhookHost {
	/** Base to give TriggerWorkflow as webhookBaseUrl, e.g. http://127.0.0.1:PORT/webhook. */
	webhookBaseUrl: string;
	executions: Execution[];
	/** Called with the items of each execution, e.g. to run them through a workflow. */
	onExecution?: (execution: Execution) => void | Promise<void>;
	/** Which TriggerWorkflow serves requests; set once the workflow has been built. */
	attach(workflow: TriggerWorkflow): void;
	/**
	 * How many of the next executions fail to start, answered the way n8n answers when it cannot
	 * store a new execution (500, "There was a problem executing the workflow").
	 */
	failStarts: number;
	stop(): Promise<void>;
}

type RawRequest = IncomingMessage & {
	rawBody?: Buffer;
	readRawBody(): Promise<void>;
	body?: unknown;
};

export async function startWebhookHost(): Promise<WebhookHost> {
	const trigger = new EmailEngineTrigger();
	let attached: TriggerWorkflow | undefined;

	const host: WebhookHost = {
		webhookBaseUrl: '',
		executions: [],
		attach(workflow) {
			attached = workflow;
		},
		failStarts: 0,
		stop: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};

	const server: Server = createServer((req, res) => {
		void handle(req as RawRequest, res).catch((error: Error) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: `test host failure: ${error.message}` }));
		});
	});
	server.keepAliveTimeout = 5000;

	async function handle(req: RawRequest, res: ServerResponse) {
		const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
		const isTest = path.startsWith('/webhook-test/');
		const workflow = attached;
		if (
			!workflow ||
			req.method !== 'POST' ||
			!path.endsWith(`/${workflow.node.webhookId}/webhook`)
		) {
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 404, message: 'The requested webhook is not registered.' }));
			return;
		}

		installRawBodyReader(req);
		try {
			await req.readRawBody();
			if (isJson(req) && req.rawBody && req.rawBody.length > 0) {
				req.body = JSON.parse(req.rawBody.toString('utf8'));
			}
		} catch (error) {
			res.writeHead(422, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({ code: 422, message: 'Failed to parse request body', hint: String(error) }),
			);
			return;
		}

		let result: IWebhookResponseData;
		try {
			result = await trigger.webhook.call(workflow.webhookContext(req as never, res, isTest));
		} catch {
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					code: 0,
					message: 'Workflow Webhook Error: Workflow could not be started!',
				}),
			);
			return;
		}

		if (result.noWebhookResponse) return;

		if (result.workflowData === undefined) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(result.webhookResponse ?? { message: 'Webhook call received' }));
			return;
		}

		if (host.failStarts > 0) {
			host.failStarts--;
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 0, message: 'There was a problem executing the workflow' }));
			return;
		}

		const execution: Execution = {
			items: (result.workflowData[0] as INodeExecutionData[]).map((item) => item.json),
			test: isTest,
		};
		host.executions.push(execution);
		await host.onExecution?.(execution);
		res.writeHead(200);
		res.end();
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	host.webhookBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
	return host;
}

function installRawBodyReader(req: RawRequest) {
	req.readRawBody = async () => {
		if (req.rawBody) return;
		let stream: Readable = req;
		const encoding = req.headers['content-encoding'];
		if (encoding === 'gzip') stream = req.pipe(createGunzip());
		if (encoding === 'deflate') stream = req.pipe(createInflate());

		const chunks: Buffer[] = [];
		for await (const chunk of stream) chunks.push(chunk as Buffer);
		req.rawBody = Buffer.concat(chunks);
	};
}

function isJson(req: IncomingMessage): boolean {
	return (
		(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json'
	);
}
