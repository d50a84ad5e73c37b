import { randomBytes } from 'node:crypto';

import type { EngineCore, RouteDefinition } from './core';
import { accountNotFound } from './errors';
import { maskHeaders, maskUrl } from './masking';
import type { AccountRecord, CustomHeader } from './types';
import { headerListRule, rules, validate, type Rule } from './validation';

/** Fields shared by account creation and update. */
const ACCOUNT_FIELDS: Record<string, Rule> = {
	name: rules.string({ max: 256, allowEmpty: true }),
	email: rules.email(),
	imap: rules.oneOf(rules.object({}, { unknown: true }), rules.boolean()),
	smtp: rules.oneOf(rules.object({}, { unknown: true }), rules.boolean()),
	oauth2: rules.object({}, { unknown: true }),
	webhooks: rules.uri({ allowEmpty: true }),
	webhooksCustomHeaders: headerListRule,
	copy: rules.boolean(),
	logs: rules.boolean(),
	notifyFrom: rules.nullable(rules.oneOf(rules.isoDate(), rules.string())),
	syncFrom: rules.nullable(rules.isoDate()),
	path: rules.oneOf(rules.array(rules.string({ max: 1024 })), rules.string({ max: 1024 })),
	subconnections: rules.array(rules.string({ max: 1024 })),
	proxy: rules.string({ max: 1024, allowEmpty: true }),
	smtpEhloName: rules.string({ max: 256, allowEmpty: true }),
	imapIndexer: rules.string({ max: 32 }),
	locale: rules.string({ max: 100, allowEmpty: true }),
	tz: rules.string({ max: 100, allowEmpty: true }),
};

/** Order of keys in EmailEngine's account info response. */
const INFO_KEYS = [
	'account',
	'name',
	'email',
	'copy',
	'logs',
	'notifyFrom',
	'syncFrom',
	'path',
	'subconnections',
	'webhooks',
	'proxy',
	'smtpEhloName',
	'imapIndexer',
	'imap',
	'smtp',
	'oauth2',
	'state',
	'smtpStatus',
	'syncError',
	'connections',
	'webhooksCustomHeaders',
	'locale',
	'tz',
];

function accountType(record: AccountRecord): string {
	if (record.oauth2) return 'oauth2';
	if (record.imap && !(record.imap as { disabled?: boolean }).disabled) return 'imap';
	return 'sending';
}

function maskAuth(section: unknown): unknown {
	if (!section || typeof section !== 'object') return section;
	const copy = structuredClone(section) as { auth?: Record<string, unknown> };
	for (const key of ['pass', 'accessToken', 'refreshToken']) {
		if (copy.auth && key in copy.auth) copy.auth[key] = '******';
	}
	return copy;
}

/** `GET /v1/account/{account}`: stored fields in EmailEngine's order, credentials masked. */
export function accountInfo(
	record: AccountRecord,
	maskUsernames: boolean,
): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const key of INFO_KEYS) {
		if (record[key] === undefined) continue;
		if (key === 'webhooks' || key === 'proxy') {
			result[key] = maskUrl(String(record[key]), maskUsernames);
		} else if (key === 'webhooksCustomHeaders') {
			result[key] = maskHeaders(record[key] as CustomHeader[]);
		} else if (key === 'imap' || key === 'smtp' || key === 'oauth2') {
			result[key] = maskAuth(record[key]);
		} else {
			result[key] = structuredClone(record[key]);
		}
	}
	result.logs = !!result.logs;
	for (const key of ['notifyFrom', 'syncFrom', 'lastError', 'smtpStatus']) {
		result[key] = result[key] ?? null;
	}
	result.type = accountType(record);
	if (result.type === 'sending') result.sendOnly = true;
	if (record.imap && !result.imapIndexer) result.imapIndexer = 'full';
	return result;
}

function listEntry(record: AccountRecord, maskUsernames: boolean): Record<string, unknown> {
	const entry: Record<string, unknown> = { account: record.account };
	if (record.name !== undefined) entry.name = record.name;
	if (record.email !== undefined) entry.email = record.email;
	entry.type = accountType(record);
	entry.state = record.state;
	if (record.webhooks) entry.webhooks = maskUrl(record.webhooks, maskUsernames);
	entry.lastError = null;
	return entry;
}

/** Account routes: list, info, create, update, delete. */
export function accountRoutes(core: EngineCore, initialState: string): RouteDefinition[] {
	const { state } = core;
	const find = (id: string): AccountRecord => {
		const record = state.accounts.get(id);
		if (!record) throw accountNotFound();
		return record;
	};

	return [
		{
			method: 'GET',
			path: '/v1/accounts',
			permission: { group: 'account', action: 'read' },
			handler: ({ query }) => {
				const {
					page = 0,
					pageSize = 20,
					state: wanted,
				} = validate(query, {
					page: rules.integer({ min: 0, max: 1024 * 1024 }),
					pageSize: rules.integer({ min: 1, max: 1000 }),
					state: rules.string({ max: 64 }),
					query: rules.string({ max: 256 }),
				}) as { page?: number; pageSize?: number; state?: string; query?: string };
				const matching = [...state.accounts.values()].filter(
					(record) => !wanted || record.state === wanted,
				);
				return {
					total: matching.length,
					page,
					pages: Math.ceil(matching.length / pageSize),
					accounts: matching
						.slice(page * pageSize, (page + 1) * pageSize)
						.map((record) => listEntry(record, core.maskUsernames)),
				};
			},
		},
		{
			method: 'GET',
			path: '/v1/account/{account}',
			permission: { group: 'account', action: 'read' },
			handler: ({ params, query }) => {
				validate(query, { quota: rules.boolean() });
				return accountInfo(find(params.account), core.maskUsernames);
			},
		},
		{
			method: 'POST',
			path: '/v1/account',
			permission: { group: 'admin', action: 'write' },
			handler: ({ body }) => {
				const values = validate(
					body,
					{ account: rules.nullable(rules.string({ max: 256 })), ...ACCOUNT_FIELDS },
					['account', 'name'],
				);
				const id = (values.account as string | null) ?? randomBytes(8).toString('hex');
				const existing = state.accounts.get(id);
				if (existing) {
					Object.assign(existing, values, { account: id });
					return { account: id, state: 'existing' };
				}
				state.accounts.set(id, {
					notifyFrom: new Date().toISOString(),
					...values,
					account: id,
					state: initialState,
				} as AccountRecord);
				core.emit({ event: 'accountAdded', account: id, data: { account: id } });
				return { account: id, state: 'new' };
			},
		},
		{
			method: 'PUT',
			path: '/v1/account/{account}',
			permission: { group: 'admin', action: 'write' },
			handler: ({ params, body }) => {
				const values = validate(body, ACCOUNT_FIELDS);
				Object.assign(find(params.account), values);
				return { account: params.account };
			},
		},
		{
			method: 'DELETE',
			path: '/v1/account/{account}',
			permission: { group: 'account', action: 'destructive' },
			handler: ({ params }) => {
				find(params.account);
				state.accounts.delete(params.account);
				core.emit({
					event: 'accountDeleted',
					account: params.account,
					data: { account: params.account },
				});
				return { account: params.account, deleted: true };
			},
		},
	];
}
