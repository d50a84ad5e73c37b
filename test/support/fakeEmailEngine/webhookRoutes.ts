import type { EngineCore, RouteDefinition } from './core';
import { ApiError } from './errors';
import { maskHeaders, maskUrl } from './masking';
import type { WebhookRouteConfig } from './types';
import { rules, validate } from './validation';

function summary(route: WebhookRouteConfig, maskUsernames: boolean): Record<string, unknown> {
	const created = route.created ?? new Date(0).toISOString();
	return {
		id: route.id,
		name: route.name ?? route.id,
		description: route.description ?? '',
		created,
		updated: route.updated ?? created,
		enabled: route.enabled !== false,
		targetUrl: maskUrl(route.targetUrl, maskUsernames),
		tcount: 0,
		customHeaders: maskHeaders(route.customHeaders) ?? [],
	};
}

/** The two read-only webhook route endpoints; routes themselves come from the fake's options. */
export function webhookRouteRoutes(core: EngineCore): RouteDefinition[] {
	const { state } = core;
	return [
		{
			method: 'GET',
			path: '/v1/webhookRoutes',
			permission: { group: 'webhook', action: 'read' },
			handler: ({ query }) => {
				const { page = 0, pageSize = 20 } = validate(query, {
					page: rules.integer({ min: 0, max: 1024 * 1024 }),
					pageSize: rules.integer({ min: 1, max: 1000 }),
				}) as { page?: number; pageSize?: number };
				const routes = state.webhookRoutes;
				return {
					total: routes.length,
					page,
					pages: Math.ceil(routes.length / pageSize),
					webhooks: routes
						.slice(page * pageSize, (page + 1) * pageSize)
						.map((route) => summary(route, core.maskUsernames)),
				};
			},
		},
		{
			method: 'GET',
			path: '/v1/webhookRoutes/webhookRoute/{webhookRoute}',
			permission: { group: 'webhook', action: 'read' },
			handler: ({ params }) => {
				const route = state.webhookRoutes.find((entry) => entry.id === params.webhookRoute);
				if (!route) {
					throw new ApiError(404, 'Document was not found', { code: 'NotFound' });
				}
				return {
					...summary(route, core.maskUsernames),
					v: 1,
					content: {
						fn: route.fnSource ?? route.filter.toString(),
						map: route.mapSource ?? (route.map ? route.map.toString() : ''),
					},
				};
			},
		},
	];
}
