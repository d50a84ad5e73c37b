import type { EngineCore, RouteDefinition } from './core';
import { ApiError } from './errors';
import type { SubmitWorker } from './submitWorker';
import { rules, validate } from './validation';

/** States the outbox lists; completed jobs are gone from it. */
const LISTED = new Set(['delayed', 'waiting', 'active', 'failed']);

function outboxNotFound(): ApiError {
	return new ApiError(404, 'Requested queue entry was not found', { code: 'NotFound' });
}

/** Outbox routes: instance-wide, no `{account}` parameter, so account-bound tokens are refused. */
export function outboxRoutes(core: EngineCore, worker: SubmitWorker): RouteDefinition[] {
	const { outbox } = core.state;
	return [
		{
			method: 'GET',
			path: '/v1/outbox',
			permission: { group: 'outbox', action: 'read' },
			handler: ({ query }) => {
				const { page = 0, pageSize = 20 } = validate(query, {
					page: rules.integer({ min: 0, max: 1024 * 1024 }),
					pageSize: rules.integer({ min: 1, max: 1000 }),
				}) as { page?: number; pageSize?: number };
				const listed = [...outbox.values()].filter((record) => LISTED.has(record.status));
				return {
					total: listed.length,
					page,
					pages: Math.ceil(listed.length / pageSize),
					messages: listed
						.slice(page * pageSize, (page + 1) * pageSize)
						.map((record) => structuredClone(record.entry)),
				};
			},
		},
		{
			method: 'GET',
			path: '/v1/outbox/{queueId}',
			permission: { group: 'outbox', action: 'read' },
			handler: ({ params }) => {
				const record = outbox.get(params.queueId);
				// the stored content goes as soon as the job completes or fails for good
				if (!record || record.status === 'completed' || record.status === 'failed') {
					throw outboxNotFound();
				}
				return structuredClone(record.entry);
			},
		},
		{
			method: 'DELETE',
			path: '/v1/outbox/{queueId}',
			permission: { group: 'outbox', action: 'destructive' },
			handler: ({ params }) => {
				const record = outbox.get(params.queueId);
				if (!record || !worker.cancel(record)) return { deleted: false };
				outbox.delete(params.queueId);
				return { deleted: true };
			},
		},
	];
}
