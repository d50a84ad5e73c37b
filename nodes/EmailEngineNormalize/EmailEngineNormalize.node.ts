import {
	NodeConnectionTypes,
	NodeOperationError,
	deepCopy,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { readEventInput } from '../shared/eventInput';

export const ACCEPTED_INPUT =
	"Connect the EmailEngine Trigger (either output), n8n's Webhook node receiving EmailEngine's webhooks, or any node whose items are EmailEngine webhook bodies.";

export class EmailEngineNormalize implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EmailEngine Normalize',
		name: 'emailEngineNormalize',
		icon: {
			light: 'file:../../icons/emailengine.svg',
			dark: 'file:../../icons/emailengine.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["perRecipient"] ? "One item per recipient" : "One item per event"}}',
		description:
			'Turn any EmailEngine webhook payload into the normalized item the EmailEngine Trigger emits',
		defaults: { name: 'EmailEngine Normalize' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName:
					"Accepts a raw EmailEngine webhook body, an item the EmailEngine Trigger already normalized, or the output of n8n's Webhook node (its X-EE-Wh-* headers supply the event ID and attempt count).",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'One Item per Recipient',
				name: 'perRecipient',
				type: 'boolean',
				default: false,
				description:
					'Whether an event that names several recipients (messageSent, messageDeliveryError, messageComplaint) becomes one item per recipient, each with a "recipient" field',
			},
			{
				displayName: 'Include Raw Payload',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to keep the payload as EmailEngine sent it in a "raw" field',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const perRecipient = this.getNodeParameter('perRecipient', itemIndex, false) as boolean;
			const includeRaw = this.getNodeParameter('includeRaw', itemIndex, false) as boolean;
			const pairedItem = { item: itemIndex };

			const read = readEventInput(items[itemIndex].json, { includeRaw });
			if (!read.ok) {
				const message = `Item ${itemIndex} is not an EmailEngine event: ${read.message}`;
				if (this.continueOnFail()) {
					returnData.push({ json: { error: message, itemIndex }, pairedItem });
					continue;
				}
				throw new NodeOperationError(this.getNode(), message, {
					itemIndex,
					description: ACCEPTED_INPUT,
				});
			}

			const item = read.normalized as IDataObject;
			const recipients = read.normalized.recipients;
			if (!perRecipient) {
				returnData.push({ json: item, pairedItem });
			} else if (recipients.length === 0) {
				returnData.push({ json: { ...item, recipient: null }, pairedItem });
			} else {
				for (const recipient of recipients) {
					returnData.push({ json: { ...deepCopy(item), recipient }, pairedItem });
				}
			}
		}

		return [returnData];
	}
}
