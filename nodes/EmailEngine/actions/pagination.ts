import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emailEngineApiRequest } from '../../shared/transport';

export function paginationFields(resource: string): INodeProperties[] {
	const show = { resource: [resource], operation: ['getAll'] };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/** Reads EmailEngine's `page`/`pageSize` listings until enough entries or the last page. */
export async function listAll(
	this: IExecuteFunctions,
	itemIndex: number,
	path: string,
	key: string,
): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const pageSize = Math.min(1000, Number.isFinite(limit) ? limit : 1000);
	const results: IDataObject[] = [];

	for (let page = 0; results.length < limit; page++) {
		const listing = await emailEngineApiRequest.call(this, {
			method: 'GET',
			path,
			qs: { page, pageSize },
			itemIndex,
		});
		const entries = Array.isArray(listing[key]) ? (listing[key] as IDataObject[]) : [];
		results.push(...entries);
		const pages = typeof listing.pages === 'number' ? listing.pages : 1;
		if (entries.length === 0 || page + 1 >= pages) break;
	}

	return results.slice(0, limit);
}
