import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { emailEngineApiRequest } from '../../../shared/transport';
import { accountField, toItems } from '../common';

export const description: INodeProperties[] = [accountField('account', ['get'])];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const account = String(this.getNodeParameter('account', itemIndex)).trim();
	const info = await emailEngineApiRequest.call(this, {
		method: 'GET',
		path: `/v1/account/${encodeURIComponent(account)}`,
		subject: `account "${account}"`,
		itemIndex,
	});
	return toItems(itemIndex, [info]);
}
