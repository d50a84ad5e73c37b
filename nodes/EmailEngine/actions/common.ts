import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

export type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<INodeExecutionData[]>;

export interface Operation {
	description: INodeProperties[];
	execute: OperationExecute;
}

/** The account picker every account-bound operation shares. */
export function accountField(resource: string, operations: string[]): INodeProperties {
	return {
		displayName: 'Account Name or ID',
		name: 'account',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAccounts' },
		required: true,
		default: '',
		description:
			'The EmailEngine account. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { resource: [resource], operation: operations } },
	};
}

export function toItems(itemIndex: number, results: IDataObject[]): INodeExecutionData[] {
	return results.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

/**
 * Outbox routes have no account in their path, so EmailEngine refuses account-bound and
 * narrowed tokens there; the transport's generic 403 advice is about settings.
 */
export function explainOutboxError(error: unknown): unknown {
	if (!(error instanceof NodeApiError)) return error;
	if (error.httpCode === '403') {
		error.description =
			'The Outbox API covers the whole EmailEngine instance, so EmailEngine refuses tokens bound to one account. Use a token without an account binding, issued with the "*" scope or the "outbox" permission group.';
	} else if (error.httpCode === '404') {
		error.description =
			'EmailEngine removes a message from the outbox as soon as it is sent or fails for good, so a missing entry is usually a finished one. The messageSent and messageFailed events tell the final status.';
	}
	return error;
}
