import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { OUTCOMES, type Outcome } from '../shared/correlation';
import { DEFAULT_HISTORY_LIMIT } from '../shared/trackingRecord';
import { ACCEPTED_INPUT } from '../EmailEngineNormalize/EmailEngineNormalize.node';
import { correlateProperties, OUTPUTS_EXPRESSION } from './description';
import { mergeItem } from './merge';
import { resolveItem, type StepResult } from './resolve';

export class EmailEngineCorrelate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EmailEngine Correlate',
		name: 'emailEngineCorrelate',
		icon: {
			light: 'file:../../icons/emailengine.svg',
			dark: 'file:../../icons/emailengine.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "merge" ? "Merge into record" : "Resolve"}}',
		description:
			'Tell which sent message (and which of your records) an EmailEngine event belongs to, and keep a tracking record per message',
		defaults: { name: 'EmailEngine Correlate' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: OUTPUTS_EXPRESSION,
		properties: correlateProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const routeByOutcome = this.getNodeParameter('routeByOutcome', 0, true) as boolean;
		const outputs: INodeExecutionData[][] = routeByOutcome ? OUTCOMES.map(() => []) : [[]];
		const push = (outcome: Outcome, item: INodeExecutionData) =>
			outputs[routeByOutcome ? OUTCOMES.indexOf(outcome) : 0].push(item);

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const pairedItem = { item: itemIndex };

			let result: StepResult;
			if (operation === 'merge') {
				const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
				result = mergeItem(
					this.getNodeParameter('event', itemIndex),
					this.getNodeParameter('record', itemIndex, ''),
					typeof options.historyLimit === 'number' ? options.historyLimit : DEFAULT_HISTORY_LIMIT,
				);
			} else {
				result = resolveItem(items[itemIndex].json);
			}

			if (result.ok) {
				push(result.outcome, { json: result.json, pairedItem });
				continue;
			}

			const message = `Item ${itemIndex}: ${result.message}`;
			if (this.continueOnFail()) {
				push('other', { json: { error: message, itemIndex }, pairedItem });
				continue;
			}
			throw new NodeOperationError(this.getNode(), message, {
				itemIndex,
				description: operation === 'merge' ? undefined : ACCEPTED_INPUT,
			});
		}

		return outputs;
	}
}
