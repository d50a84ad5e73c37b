import type { INode } from 'n8n-workflow';

import { toEmailEngineError } from '../../nodes/shared/transport';

const context = { getNode: (): INode => ({ name: 'EmailEngine' }) as INode } as never;
const forbidden = {
	response: { status: 403, data: { statusCode: 403, message: 'Unauthorized account' } },
};

describe('toEmailEngineError', () => {
	it('tells a 403 on a settings change that it needs an unrestricted "*" token', () => {
		const error = toEmailEngineError(context, forbidden, {
			method: 'POST',
			path: '/v1/settings',
			baseUrl: 'http://127.0.0.1:3000',
		});
		expect(error.message).toBe(
			'The access token may not call POST /v1/settings (403: Unauthorized account)',
		);
		expect(error.description).toContain('Changing EmailEngine settings and account webhooks');
	});

	it('tells a 403 on any other call to check the token, without blaming settings', () => {
		const error = toEmailEngineError(context, forbidden, {
			method: 'GET',
			path: '/v1/account/bob',
			baseUrl: 'http://127.0.0.1:3000',
		});
		expect(error.message).toBe(
			'The access token may not call GET /v1/account/bob (403: Unauthorized account)',
		);
		expect(error.description).toContain("The token's scopes, account binding or permissions");
		expect(error.httpCode).toBe('403');
	});

	it('names the fields of a validation failure', () => {
		const error = toEmailEngineError(
			context,
			{
				response: {
					status: 400,
					data: { message: 'Invalid input', fields: [{ key: 'to', message: '"to" is required' }] },
				},
			},
			{ method: 'POST', path: '/v1/account/bob/submit', baseUrl: 'http://127.0.0.1:3000' },
		);
		expect(error.message).toBe(
			'EmailEngine answered POST /v1/account/bob/submit with 400: Invalid input ("to" is required)',
		);
	});
});
