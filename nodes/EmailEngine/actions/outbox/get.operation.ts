import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { emailEngineApiRequest } from '../../../shared/transport';
import { explainOutboxError, toItems } from '../common';
import { queueIdField } from './shared';

export const description: INodeProperties[] = [queueIdField('get')];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const queueId = String(this.getNodeParameter('queueId', itemIndex)).trim();
	try {
		const entry = await emailEngineApiRequest.call(this, {
			method: 'GET',
			path: `/v1/outbox/${encodeURIComponent(queueId)}`,
			subject: `queued message "${queueId}" in its outbox`,
			itemIndex,
		});
		return toItems(itemIndex, [entry]);
	} catch (error) {
		throw explainOutboxError(error);
	}
}
