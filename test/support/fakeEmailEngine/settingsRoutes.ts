import type { EngineCore, RouteDefinition } from './core';
import { readSettings, writeSettings } from './settings';

/** `GET` and `POST /v1/settings`; both in the never-grantable `admin` group. */
export function settingsRoutes(core: EngineCore): RouteDefinition[] {
	const options = { maskUsernames: core.maskUsernames };
	return [
		{
			method: 'GET',
			path: '/v1/settings',
			permission: { group: 'admin', action: 'read' },
			handler: ({ query }) => readSettings(core.state.settings, query, options),
		},
		{
			method: 'POST',
			path: '/v1/settings',
			permission: { group: 'admin', action: 'write' },
			handler: ({ body }) => ({
				updated: writeSettings(core.state.settings, body, options).updated,
			}),
		},
	];
}
