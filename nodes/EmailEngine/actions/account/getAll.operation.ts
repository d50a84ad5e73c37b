import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toItems } from '../common';
import { listAll, paginationFields } from '../pagination';

export const description: INodeProperties[] = [...paginationFields('account')];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const accounts = await listAll.call(this, itemIndex, '/v1/accounts', 'accounts');
	return toItems(itemIndex, accounts);
}
