/**
 * Workflows and credentials for the end-to-end tests, built the way a user builds them in the
 * editor and created through n8n's public API.
 */
import { randomUUID } from 'node:crypto';

import type { N8nClient, WorkflowInput } from '../../support/n8n';
import { packageName } from '../../support/n8n';
import { pollUntil } from '../../support/n8n/wait';

export const TRIGGER_NODE = 'EmailEngine Trigger';
export const AFTER_TRIGGER_NODE = 'Received';

export interface EmailEngineCredential {
	baseUrl: string;
	accessToken: string;
	serviceSecret?: string;
	previousServiceSecret?: string;
}

/** Creates an EmailEngine API credential and returns its id and name. */
export async function createEmailEngineCredential(
	n8n: N8nClient,
	data: EmailEngineCredential,
	name = `EmailEngine ${randomUUID().slice(0, 8)}`,
): Promise<{ id: string; name: string }> {
	const created = await n8n.api<{ id: string; name: string }>('POST', '/credentials', {
		name,
		type: 'emailEngineApi',
		data: { serviceSecret: '', previousServiceSecret: '', ...data },
	});
	return { id: created.id, name: created.name };
}

export interface TriggerWorkflow {
	input: WorkflowInput;
	webhookId: string;
	/** The webhook path below `/webhook/`. */
	path: string;
}

export const REMOVE_DUPLICATES_NODE = 'Remove Duplicates';

/**
 * Puts n8n's Remove Duplicates node, keyed on `eventId` across executions, between the trigger
 * and the node after it: the README's recipe for de-duplication that survives restarts.
 */
export function withRemoveDuplicates(workflow: TriggerWorkflow): TriggerWorkflow {
	const { input } = workflow;
	return {
		...workflow,
		input: {
			...input,
			nodes: [
				...input.nodes,
				{
					id: randomUUID(),
					name: REMOVE_DUPLICATES_NODE,
					type: 'n8n-nodes-base.removeDuplicates',
					typeVersion: 2,
					position: [120, 0],
					parameters: {
						operation: 'removeItemsSeenInPreviousExecutions',
						dedupeValue: '={{ $json.eventId }}',
					},
				},
			],
			connections: {
				[TRIGGER_NODE]: {
					main: [[{ node: REMOVE_DUPLICATES_NODE, type: 'main', index: 0 }]],
				},
				[REMOVE_DUPLICATES_NODE]: {
					main: [[{ node: AFTER_TRIGGER_NODE, type: 'main', index: 0 }]],
				},
			},
		},
	};
}

/** EmailEngine Trigger → No Operation, so that each execution shows the trigger's item. */
export function emailEngineTriggerWorkflow(
	credential: { id: string; name: string },
	parameters: Record<string, unknown>,
	name = `EmailEngine trigger ${randomUUID().slice(0, 8)}`,
): TriggerWorkflow {
	const webhookId = randomUUID();
	return {
		webhookId,
		path: `${webhookId}/webhook`,
		input: {
			name,
			nodes: [
				{
					id: randomUUID(),
					name: TRIGGER_NODE,
					type: `${packageName}.emailEngineTrigger`,
					typeVersion: 1.1,
					position: [0, 0],
					webhookId,
					parameters,
					credentials: { emailEngineApi: credential },
				},
				{
					id: randomUUID(),
					name: AFTER_TRIGGER_NODE,
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [240, 0],
					parameters: {},
				},
			],
			connections: {
				[TRIGGER_NODE]: { main: [[{ node: AFTER_TRIGGER_NODE, type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		},
	};
}

/** The data of a messageSent for an SMTP delivery, shaped like EmailEngine's. */
export function messageSentData(messageId: string) {
	return {
		messageId,
		response: '250 OK: queued as 0A1B2C3D4E5F',
		queueId: '1a23d0297b7423471bb',
		envelope: { from: 'bob@example.com', to: ['okrcpt@example.net'] },
		networkRouting: null,
	};
}

/** Waits until `check` holds, e.g. for what n8n does in the background after an API call. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 60_000) {
	await pollUntil(async () => (check() ? true : undefined), {
		timeoutMs,
		intervalMs: 100,
		describe: () => what,
	});
}
