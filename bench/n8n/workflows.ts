import { randomUUID } from 'node:crypto';

import type { WorkflowInput } from '../../test/support/n8n';
import { packageName } from '../../test/support/n8n';

export interface CredentialRef {
	id: string;
	name: string;
}

export interface BenchWorkflow {
	input: WorkflowInput;
	/** The production webhook path under `/webhook/`. */
	path: string;
}

function node(name: string, type: string, typeVersion: number, parameters: object, extra = {}) {
	return {
		id: randomUUID(),
		name,
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		...extra,
	};
}

const noOp = () => node('No Operation', 'n8n-nodes-base.noOp', 1, {});

function chain(name: string, first: { name: string }, second: { name: string }, nodes: object[]) {
	return {
		name,
		nodes,
		connections: { [first.name]: { main: [[{ node: second.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** EmailEngine Trigger (manual registration) → No Operation. */
export function triggerWorkflow(credential: CredentialRef, events: string[]): BenchWorkflow {
	const webhookId = randomUUID();
	const trigger = node(
		'EmailEngine Trigger',
		`${packageName}.emailEngineTrigger`,
		1.1,
		{ registration: 'manual', events, accountScope: 'all', options: {} },
		{ webhookId, credentials: { emailEngineApi: credential } },
	);
	const next = noOp();
	return {
		input: chain(`bench trigger ${events.join(',')}`, trigger, next, [trigger, next]),
		path: `${webhookId}/webhook`,
	};
}

/**
 * What a user builds today without this package: n8n's Webhook node keeping the raw body, and a
 * Code node that checks EmailEngine's signature over those bytes and parses them.
 */
export function verifyingCode(secret: string): string {
	return [
		"const crypto = require('crypto');",
		`const secret = ${JSON.stringify(secret)};`,
		'const out = [];',
		'for (let index = 0; index < $input.all().length; index++) {',
		'  const item = $input.all()[index];',
		"  const raw = await this.helpers.getBinaryDataBuffer(index, 'data');",
		"  const expected = crypto.createHmac('sha256', secret).update(raw).digest('base64url');",
		"  const received = String(item.json.headers['x-ee-wh-signature'] || '');",
		'  if (received.length !== expected.length ||',
		'      !crypto.timingSafeEqual(Buffer.from(received), Buffer.from(expected))) {',
		"    throw new Error('EmailEngine signature does not match');",
		'  }',
		"  out.push({ json: JSON.parse(raw.toString('utf8')) });",
		'}',
		'return out;',
	].join('\n');
}

/** n8n's Webhook node (answers on receipt) → a Code node that verifies, or → No Operation. */
export function webhookNodeWorkflow(after: 'code' | 'noOp', secret: string): BenchWorkflow {
	const path = `bench-webhook-${after}-${randomUUID().slice(0, 8)}`;
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{
			httpMethod: 'POST',
			path,
			responseMode: 'onReceived',
			options: after === 'code' ? { rawBody: true } : {},
		},
		{ webhookId: randomUUID() },
	);
	const next =
		after === 'code'
			? node('Verify and Parse', 'n8n-nodes-base.code', 2, {
					mode: 'runOnceForAllItems',
					language: 'javaScript',
					jsCode: verifyingCode(secret),
				})
			: noOp();
	return { input: chain(`bench webhook → ${after}`, webhook, next, [webhook, next]), path };
}
