import type { RouteDefinition } from './core';

/** `GET /health`, the one route that needs no token. */
export function healthRoutes(): RouteDefinition[] {
	return [{ method: 'GET', path: '/health', permission: null, handler: () => ({ success: true }) }];
}
