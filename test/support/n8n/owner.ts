import { randomBytes } from 'node:crypto';

import { expectOk, http } from './http';

export interface OwnerAccount {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

/** A new password per test process; n8n requires an upper-case letter and a digit. */
export const testOwner: OwnerAccount = {
	email: 'owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: `E2e-${randomBytes(12).toString('base64url')}`,
};

function authCookie(headers: Headers): string {
	const cookie = headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.find((pair) => pair.startsWith('n8n-auth='));
	if (!cookie) throw new Error('n8n set no n8n-auth cookie');
	return cookie;
}

/** The owner setup screen's call; only succeeds on an instance without an owner. */
export async function setUpOwner(baseUrl: string, owner: OwnerAccount): Promise<void> {
	const result = await http(`${baseUrl}/rest/owner/setup`, { body: owner });
	expectOk(result, 'POST /rest/owner/setup');
}

/** Logs in like the sign-in form and returns the session cookie (`n8n-auth=...`). */
export async function logIn(baseUrl: string, owner: OwnerAccount): Promise<string> {
	const result = await http(`${baseUrl}/rest/login`, {
		body: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	expectOk(result, 'POST /rest/login');
	return authCookie(result.headers);
}

/** A public-API key with every scope the owner may grant; n8n shows the raw key only once. */
export async function createApiKey(
	baseUrl: string,
	cookie: string,
	label: string,
): Promise<string> {
	const scopes = expectOk(
		await http<{ data: string[] }>(`${baseUrl}/rest/api-keys/scopes`, { headers: { cookie } }),
		'GET /rest/api-keys/scopes',
	).data;
	const created = expectOk(
		await http<{ data: { rawApiKey: string } }>(`${baseUrl}/rest/api-keys`, {
			headers: { cookie },
			body: { label, scopes, expiresAt: null },
		}),
		'POST /rest/api-keys',
	);
	return created.data.rawApiKey;
}
