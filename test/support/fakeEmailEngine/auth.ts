import { ApiError, badToken, missingToken } from './errors';
import type { TokenAction, TokenConfig } from './types';

/** The permission group and action EmailEngine's permission map assigns to a route. */
export interface RoutePermission {
	group: string;
	action: TokenAction;
}

/**
 * Groups no narrowed token can ever be granted. Settings, account creation/update and the like
 * sit in `admin`, so only an un-narrowed token reaches them.
 */
const NEVER_GRANTABLE = new Set(['admin']);

/** Where a request's token came from. */
export interface PresentedToken {
	token: string;
	via: 'header' | 'query';
}

/** Reads `Authorization: Bearer <token>` first, then `?access_token=`. */
export function presentedToken(
	authorization: string | undefined,
	query: Record<string, string>,
): PresentedToken | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
	if (match) {
		return { token: match[1], via: 'header' };
	}
	if (query.access_token) {
		return { token: query.access_token, via: 'query' };
	}
	return null;
}

/**
 * Runs EmailEngine's checks in its order: known token (401), scope, permissions, account
 * binding (all 403). Returns the token's configuration when the request may proceed.
 */
export function authorize(
	tokens: TokenConfig[],
	presented: PresentedToken | null,
	permission: RoutePermission,
	accountParam: string | undefined,
): TokenConfig {
	if (!presented) {
		throw missingToken();
	}
	const config = tokens.find((candidate) => candidate.token === presented.token);
	if (!config) {
		throw badToken();
	}

	const scopes = config.scopes ?? ['*'];
	if (!scopes.includes('api') && !scopes.includes('*')) {
		throw new ApiError(403, 'Unauthorized scope', { requestedScope: 'api' });
	}

	if (config.permissions) {
		const { actions, groups } = config.permissions;
		const refused =
			NEVER_GRANTABLE.has(permission.group) ||
			(actions !== undefined && !actions.includes(permission.action)) ||
			(groups !== undefined && !groups.includes(permission.group));
		if (refused) {
			throw new ApiError(403, 'Unauthorized permission', {
				requiredPermission: { action: permission.action, group: permission.group },
			});
		}
	}

	if (config.account !== undefined && accountParam !== config.account) {
		throw new ApiError(403, 'Unauthorized account');
	}

	return config;
}
