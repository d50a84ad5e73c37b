import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import * as account from './account/Account.resource';
import type { Operation } from './common';
import * as email from './email/Email.resource';
import * as outbox from './outbox/Outbox.resource';

const resources: Record<string, Record<string, Operation>> = {
	account: account.operations,
	email: email.operations,
	outbox: outbox.operations,
};

/** Runs the chosen operation once per input item; a failed item never loses the others. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const resource = this.getNodeParameter('resource', itemIndex) as string;
		const operationName = this.getNodeParameter('operation', itemIndex) as string;
		const operation = resources[resource]?.[operationName];

		try {
			if (!operation) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operationName}" is not supported for ${resource}`,
					{ itemIndex },
				);
			}
			returnData.push(...(await operation.execute.call(this, itemIndex)));
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({
					json: { error: (error as Error).message, ...errorDetails(error) },
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			if (error instanceof NodeApiError) {
				error.context.itemIndex ??= itemIndex;
				// Wrapping an existing NodeApiError hands back the same instance.
				throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
			}
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	}

	return [returnData];
}

function errorDetails(error: unknown): Record<string, string> {
	const details: Record<string, string> = {};
	if (error instanceof NodeApiError && error.httpCode) details.httpCode = error.httpCode;
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description) details.description = description;
	return details;
}
