import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class EmailEngineApi implements ICredentialType {
	name = 'emailEngineApi';

	displayName = 'EmailEngine API';

	icon = {
		light: 'file:../icons/emailengine.svg',
		dark: 'file:../icons/emailengine.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/n8n-nodes-emailengine/n8n-nodes-emailengine#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:3000',
			placeholder: 'https://emailengine.example.com',
			description: 'The address of the EmailEngine instance, without /v1',
			required: true,
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'An EmailEngine access token. Registering webhooks changes EmailEngine settings, which needs a token issued with the "*" scope (for example with "emailengine tokens issue -s \'*\'").',
			required: true,
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'serviceSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'EmailEngine\'s "serviceSecret" setting, found under Configuration → Service in the EmailEngine admin UI. EmailEngine signs every webhook with it; its API never reveals it.',
		},
		{
			displayName: 'Previous Webhook Signing Secret',
			name: 'previousServiceSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'While rotating the secret, the one EmailEngine used before. Events signed with either secret are accepted; clear it once the rotation is done.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.accessToken}}' },
		},
	};

	// `/v1/settings` belongs to EmailEngine's admin permission group, so one request tells a wrong
	// URL, a rejected token and a token that cannot register webhooks apart.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/settings',
			qs: { webhooksEnabled: true },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'EmailEngine rejected the access token. Check the token, or issue a new one in EmailEngine.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The access token is valid but may not change EmailEngine settings, so the trigger cannot register webhooks. Use a token issued with the "*" scope and no account binding or permission narrowing.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						"The Base URL answers, but not with EmailEngine's API. Check that it points at EmailEngine itself, without /v1.",
				},
			},
		],
	};
}
