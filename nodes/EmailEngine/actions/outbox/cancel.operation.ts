import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { emailEngineApiRequest } from '../../../shared/transport';
import { explainOutboxError, toItems } from '../common';
import { queueIdField } from './shared';

export const description: INodeProperties[] = [queueIdField('cancel')];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const queueId = String(this.getNodeParameter('queueId', itemIndex)).trim();
	try {
		const answer = await emailEngineApiRequest.call(this, {
			method: 'DELETE',
			path: `/v1/outbox/${encodeURIComponent(queueId)}`,
			subject: `queued message "${queueId}" in its outbox`,
			itemIndex,
		});
		// EmailEngine answers `deleted: false` for an entry that is already gone or being sent.
		return toItems(itemIndex, [{ queueId, deleted: answer.deleted === true }]);
	} catch (error) {
		throw explainOutboxError(error);
	}
}
