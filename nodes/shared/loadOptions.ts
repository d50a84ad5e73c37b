import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { emailEngineApiRequest } from './transport';

interface AccountListing {
	accounts?: Array<{ account: string; name?: string; email?: string }>;
	pages?: number;
}

/** EmailEngine's accounts, for pickers; at most 1,000 per page, so large instances are paged. */
export async function getAccounts(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const options: INodePropertyOptions[] = [];

	for (let page = 0; page < 20; page++) {
		const listing = (await emailEngineApiRequest.call(this, {
			method: 'GET',
			path: '/v1/accounts',
			qs: { page, pageSize: 1000 },
		})) as AccountListing;

		for (const account of listing.accounts ?? []) {
			const label = account.name || account.email;
			options.push({
				name: label ? `${label} (${account.account})` : account.account,
				value: account.account,
				description: account.email,
			});
		}

		if (page + 1 >= (listing.pages ?? 1)) break;
	}

	return options.sort((a, b) => a.name.localeCompare(b.name));
}
