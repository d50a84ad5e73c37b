import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { explainOutboxError, toItems } from '../common';
import { listAll, paginationFields } from '../pagination';

export const description: INodeProperties[] = [...paginationFields('outbox')];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	try {
		const entries = await listAll.call(this, itemIndex, '/v1/outbox', 'messages');
		return toItems(itemIndex, entries);
	} catch (error) {
		throw explainOutboxError(error);
	}
}
