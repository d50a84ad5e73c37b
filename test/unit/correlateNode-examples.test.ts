import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IConnections, INode, INodeProperties } from 'n8n-workflow';

import { EMAILENGINE_EVENTS } from '../../nodes/shared/events';
import { correlatedMessageId } from '../../nodes/shared/correlation';
import { CRM_NODE_TYPE, CrmUpdate, startFakeCrm } from '../support/crm';
import { lifecycleEvent, normalizedTriggerItem, type Json } from '../support/deliveryEvents';
import { fixture } from '../support/fixtures';
import { packageNodeTypes, runWorkflow } from '../support/workflow';

const EXAMPLES_DIR = join(__dirname, '..', '..', 'examples');

interface Example {
	file: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
}

const examples: Example[] = readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => ({ file, ...JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) }));

const BUILT_IN = new Set([
	'n8n-nodes-base.httpRequest',
	'n8n-nodes-base.dataTable',
	'n8n-nodes-base.noOp',
	'n8n-nodes-base.stickyNote',
]);

const ours = packageNodeTypes();

function outputCount(node: INode): number {
	if (node.type === 'n8n-nodes-emailengine.emailEngineCorrelate') {
		return node.parameters.routeByOutcome === false ? 1 : 7;
	}
	return 1;
}

/** Whether a parameter value is one the node's description offers (expressions pass). */
function checkParameters(node: INode, properties: INodeProperties[]): string[] {
	const problems: string[] = [];
	for (const [name, value] of Object.entries(node.parameters)) {
		const candidates = properties.filter((property) => property.name === name);
		if (!candidates.length) {
			problems.push(`${node.name}: unknown parameter "${name}"`);
			continue;
		}
		const offered = candidates.flatMap((property) =>
			(property.options ?? []).flatMap((option) => ('value' in option ? [option.value] : [])),
		);
		const values = Array.isArray(value) ? value : [value];
		for (const entry of values) {
			if (typeof entry === 'string' && entry.startsWith('=')) continue;
			const isChoice = candidates.some(
				(property) => property.type === 'options' || property.type === 'multiOptions',
			);
			if (isChoice && !offered.includes(entry as string)) {
				problems.push(`${node.name}: "${String(entry)}" is not a value of "${name}"`);
			}
		}
	}
	return problems;
}

describe('examples', () => {
	it('has the two workflows users came for', () => {
		expect(examples.map((example) => example.file)).toEqual([
			'follow-up-on-bounce-or-complaint.json',
			'update-crm-on-delivery-outcome.json',
		]);
	});

	it.each(examples.map((example) => [example.file, example] as const))(
		'%s uses only known nodes, valid parameters and existing outputs',
		(_file, example) => {
			const names = new Set(example.nodes.map((node) => node.name));
			const problems: string[] = [];
			for (const node of example.nodes) {
				const type = ours[node.type];
				if (!type && !BUILT_IN.has(node.type))
					problems.push(`${node.name}: unknown type ${node.type}`);
				if (type) problems.push(...checkParameters(node, type.description.properties));
			}
			for (const [from, outputs] of Object.entries(example.connections)) {
				const source = example.nodes.find((node) => node.name === from);
				if (!source) {
					problems.push(`connection from missing node ${from}`);
					continue;
				}
				if (outputs.main.length > outputCount(source)) {
					problems.push(`${from} has ${outputCount(source)} outputs, not ${outputs.main.length}`);
				}
				for (const target of outputs.main.flat()) {
					if (target && !names.has(target.node)) problems.push(`${from} → missing ${target.node}`);
				}
			}
			const trigger = example.nodes.find((node) => node.type.endsWith('.emailEngineTrigger'));
			const known = new Set<string>(EMAILENGINE_EVENTS.map((event) => event.name));
			for (const event of (trigger?.parameters.events as string[]) ?? []) {
				if (!known.has(event)) problems.push(`trigger event ${event} does not exist`);
			}
			expect(problems).toEqual([]);
		},
	);

	it('update-crm-on-delivery-outcome: each event reaches the CRM call for its outcome', async () => {
		const crm = await startFakeCrm();
		try {
			const example = examples.find((e) => e.file === 'update-crm-on-delivery-outcome.json')!;
			// The HTTP Request nodes become the test CRM node, with the example's own URL and body.
			const nodes = example.nodes
				.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
				.map((node) =>
					node.type === 'n8n-nodes-base.httpRequest' || node.type === 'n8n-nodes-base.noOp'
						? {
								...node,
								type: CRM_NODE_TYPE,
								typeVersion: 1,
								parameters: {
									method: node.parameters.method ?? 'PUT',
									url: String(node.parameters.url ?? `=${crm.url}/unrelated`).replace(
										'https://crm.example.com/api',
										crm.url,
									),
									body: node.parameters.jsonBody ?? '={{ {} }}',
								},
							}
						: node,
				);
			const queued = correlatedMessageId('deal-4711', 'example.com');
			const message = {
				account: 'alice',
				queueId: '1a23d021ec67bcf8ba4',
				messageId: queued,
				rewrittenId: '<C0C09C41-F2DA@DM6PR11MB1234.namprd11.prod.outlook.com>',
				recipient: 'okrcpt@example.net',
			};
			const events: Json[] = [
				lifecycleEvent('deferred', message, 'd1', '2026-12-03T17:44:37.803Z'),
				lifecycleEvent('sent', message, 's1', '2026-12-03T17:44:39.163Z'),
				lifecycleEvent('bounce', message, 'b1', '2026-12-03T17:45:01.803Z', {
					referenceHeader: queued,
				}),
				normalizedTriggerItem(fixture('messageFailed-global-1')),
			];
			for (const event of events) {
				const run = await runWorkflow(
					{ nodes, connections: example.connections },
					{ startItems: [event], nodeTypes: { [CRM_NODE_TYPE]: new CrmUpdate() } },
				);
				expect(run.error).toBeUndefined();
			}
			expect(crm.calls.map((call) => [call.method, call.path, call.body.emailStatus])).toEqual([
				['PATCH', '/deals/deal-4711', 'retrying'],
				['PATCH', '/deals/deal-4711', 'sent'],
				['PATCH', '/deals/deal-4711', 'bounced'],
				// A message sent without a reference has no deal to update.
				['PATCH', '/deals/', 'failed'],
			]);
			expect(crm.calls[2].body).toMatchObject({
				bouncedRecipient: 'okrcpt@example.net',
				bounceStatus: '5.1.1',
			});
		} finally {
			await crm.stop();
		}
	});
});
