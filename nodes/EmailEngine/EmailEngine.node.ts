import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getAccounts } from '../shared/loadOptions';
import { CREDENTIAL_TYPE } from '../shared/transport';
import * as account from './actions/account/Account.resource';
import * as email from './actions/email/Email.resource';
import * as outbox from './actions/outbox/Outbox.resource';
import { router } from './actions/router';

export class EmailEngine implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EmailEngine',
		name: 'emailEngine',
		icon: {
			light: 'file:../../icons/emailengine.svg',
			dark: 'file:../../icons/emailengine.dark.svg',
		},
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Send email and inspect the outbox and accounts of an EmailEngine server',
		defaults: { name: 'EmailEngine' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Email', value: 'email' },
					{ name: 'Outbox', value: 'outbox' },
				],
				default: 'email',
			},
			...email.description,
			...outbox.description,
			...account.description,
		],
	};

	methods = { loadOptions: { getAccounts } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
