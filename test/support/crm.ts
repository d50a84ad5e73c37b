import http from 'node:http';

import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

/** One call the CRM received. */
export interface CrmCall {
	method: string;
	path: string;
	body: IDataObject;
}

/**
 * A stand-in CRM on loopback: it stores what is PUT or POSTed to a path, merges what is PATCHed
 * into it, answers GET with it (`{}` when unknown), and logs every call.
 */
export interface FakeCrm {
	url: string;
	calls: CrmCall[];
	records: Map<string, IDataObject>;
	stop(): Promise<void>;
}

export async function startFakeCrm(): Promise<FakeCrm> {
	const calls: CrmCall[] = [];
	const records = new Map<string, IDataObject>();
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			const body = text ? (JSON.parse(text) as IDataObject) : {};
			const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
			calls.push({ method: request.method ?? 'GET', path, body });
			const key = path.replace(/^\/records\//, '');
			const answer = (status: number, payload: unknown) => {
				response.writeHead(status, { 'content-type': 'application/json' });
				response.end(JSON.stringify(payload));
			};
			if (request.method === 'PUT' || request.method === 'POST') {
				records.set(key, body);
				answer(200, body);
			} else if (request.method === 'PATCH') {
				records.set(key, { ...records.get(key), ...body });
				answer(200, records.get(key));
			} else if (request.method === 'GET') {
				// Like a CRM search that finds nothing: an empty record, not an error.
				answer(200, records.get(key) ?? {});
			} else {
				answer(405, { message: 'method not allowed' });
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}`,
		calls,
		records,
		stop: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

export const CRM_NODE_TYPE = 'test.crmUpdate';

/**
 * The "update a CRM record" step of a workflow: sends each item's body to a URL over real
 * HTTP, like n8n's HTTP Request node would, and outputs the CRM's answer.
 */
export class CrmUpdate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Update',
		name: 'crmUpdate',
		group: ['output'],
		version: 1,
		description: 'Writes a record to the test CRM',
		defaults: { name: 'CRM Update' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Method', name: 'method', type: 'string', default: 'PUT' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '={{ $json }}' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const body = this.getNodeParameter('body', itemIndex) as IDataObject | string;
			const answer = (await this.helpers.httpRequest({
				method: this.getNodeParameter('method', itemIndex) as IHttpRequestMethods,
				url: this.getNodeParameter('url', itemIndex) as string,
				body: typeof body === 'string' ? JSON.parse(body) : body,
				json: true,
			})) as IDataObject;
			out.push({ json: answer, pairedItem: { item: itemIndex } });
		}
		return [out];
	}
}
