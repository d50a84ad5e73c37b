import type { RouteDefinition } from './core';

/** A matched route and its path parameters. */
export interface RouteMatch {
	route: RouteDefinition;
	params: Record<string, string>;
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
	const patternParts = pattern.split('/');
	const pathParts = path.split('/');
	if (patternParts.length !== pathParts.length) return null;
	const params: Record<string, string> = {};
	for (let index = 0; index < patternParts.length; index++) {
		const part = patternParts[index];
		const param = /^\{(\w+)\}$/.exec(part);
		if (param) {
			if (!pathParts[index]) return null;
			params[param[1]] = decodeURIComponent(pathParts[index]);
		} else if (part !== pathParts[index]) {
			return null;
		}
	}
	return params;
}

/** Finds the route for a request; hapi-style, an exact path wins over a parameterised one. */
export function findRoute(
	routes: RouteDefinition[],
	method: string,
	path: string,
): RouteMatch | null {
	const candidates = routes
		.filter((route) => route.method === method)
		.map((route) => ({ route, params: matchPath(route.path, path) }))
		.filter((match): match is RouteMatch => match.params !== null)
		.sort((a, b) => Object.keys(a.params).length - Object.keys(b.params).length);
	return candidates[0] ?? null;
}

/** Whether a fault/hook selector like `GET /v1/account/{account}` or `* /v1/settings` fits. */
export function selectorMatches(
	selector: string | RegExp | undefined,
	method: string,
	path: string,
	routePath: string | undefined,
): boolean {
	if (selector === undefined || selector === '*') return true;
	const line = `${method} ${path}`;
	if (selector instanceof RegExp) return selector.test(line);
	const [wantedMethod, wantedPath] = selector.includes(' ')
		? selector.split(' ', 2)
		: ['*', selector];
	if (wantedMethod !== '*' && wantedMethod.toUpperCase() !== method) return false;
	return wantedPath === path || wantedPath === routePath || matchPath(wantedPath, path) !== null;
}
