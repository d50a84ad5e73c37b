import { randomUUID } from 'node:crypto';

import type { WorkflowInput } from './client';

/**
 * Built-in Webhook (POST `path`, answers once the execution is created) → Set `seen` to the
 * posted `hello` field. Needs nothing but n8n itself, so it proves the instance works.
 */
export function webhookProbeWorkflow(path: string, name = `probe ${path}`): WorkflowInput {
	return {
		name,
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Set',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: {
					assignments: {
						assignments: [
							{ id: randomUUID(), name: 'seen', value: '={{ $json.body.hello }}', type: 'string' },
						],
					},
					options: {},
				},
			},
		],
		connections: { Webhook: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** The JSON of the items a node produced in an execution listed with includeData. */
export function nodeOutput(
	execution: { data?: { resultData: { runData: Record<string, unknown[]> } } },
	nodeName: string,
): unknown[] {
	const runs = execution.data?.resultData.runData[nodeName] as
		| Array<{ data?: { main?: Array<Array<{ json: unknown }> | null> } }>
		| undefined;
	return (runs ?? []).flatMap((run) =>
		(run.data?.main ?? []).flatMap((items) => (items ?? []).map((item) => item.json)),
	);
}
