import { EventEmitter } from 'node:events';

import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { EmailEngineTrigger } from '../../nodes/EmailEngineTrigger/EmailEngineTrigger.node';
import { CAPTURE_SERVICE_SECRET, fixture, sign } from '../support/fixtures';

/** An IWebhookFunctions with just what the trigger reads, as n8n's own trigger tests build it. */
function webhookFunctions(options: {
	body: Buffer;
	headers: Record<string, string>;
	parameters?: IDataObject;
	credentials?: IDataObject;
}) {
	// An emitter, as n8n's response object is: the trigger listens for the answer n8n sends.
	const response = Object.assign(new EventEmitter(), {
		statusCode: 200,
		headers: {} as Record<string, string>,
		body: undefined as string | undefined,
		setHeader(name: string, value: string) {
			this.headers[name] = value;
		},
		end(body: string) {
			this.body = body;
		},
	});
	const logger = { warn: jest.fn(), debug: jest.fn(), info: jest.fn(), error: jest.fn() };
	const parameters: IDataObject = {
		registration: 'manual',
		events: ['messageSent'],
		accountScope: 'all',
		options: {},
		...options.parameters,
	};
	const context = {
		getRequestObject: () => ({ rawBody: options.body, headers: options.headers }),
		getResponseObject: () => response,
		getNodeParameter: (name: string, fallback?: unknown) => parameters[name] ?? fallback,
		getCredentials: async () => ({ serviceSecret: CAPTURE_SERVICE_SECRET, ...options.credentials }),
		getWorkflow: () => ({ id: `wf-${Math.random()}` }),
		getNode: () => ({ id: 'node-1', name: 'EmailEngine Trigger' }),
		getMode: () => 'webhook',
		logger,
	};
	return { context: context as unknown as IWebhookFunctions, response, logger };
}

describe('EmailEngineTrigger', () => {
	const trigger = new EmailEngineTrigger();

	describe('description', () => {
		it('offers all 24 EmailEngine events plus "All Events", with the delivery lifecycle as default', () => {
			const events = trigger.description.properties.find((p) => p.name === 'events');
			expect(events?.options).toHaveLength(25);
			expect(events?.default).toEqual([
				'messageSent',
				'messageDeliveryError',
				'messageFailed',
				'messageBounce',
				'messageComplaint',
			]);
		});

		it('registers nothing unless the user chooses a registration', () => {
			const registration = trigger.description.properties.find((p) => p.name === 'registration');
			expect(registration?.default).toBe('manual');
		});

		it('is a webhook trigger that answers as soon as an event is received', () => {
			expect(trigger.description.inputs).toEqual([]);
			expect(trigger.description.webhooks).toEqual([
				expect.objectContaining({
					httpMethod: 'POST',
					responseMode: 'onReceived',
					path: 'webhook',
				}),
			]);
		});
	});

	describe('webhook', () => {
		it('should start an execution for a correctly signed, selected event', async () => {
			const capture = fixture('messageSent-account-1');
			const { context } = webhookFunctions({ body: capture.bytes, headers: capture.headers });

			const result = await trigger.webhook.call(context);

			expect(result.workflowData?.[0]).toHaveLength(1);
			expect(result.workflowData?.[0][0].json).toMatchObject({
				event: 'messageSent',
				queueId: '1a23d0297b7423471bb',
			});
		});

		it('should answer 401, start nothing and log the reason for a wrong signature', async () => {
			const capture = fixture('messageSent-account-1');
			const { context, response, logger } = webhookFunctions({
				body: capture.bytes,
				headers: { ...capture.headers, 'x-ee-wh-signature': 'A'.repeat(43) },
			});

			const result = await trigger.webhook.call(context);

			expect(result).toEqual({ noWebhookResponse: true });
			expect(response.statusCode).toBe(401);
			expect(JSON.parse(response.body!)).toEqual({ error: 'Unauthorized' });
			expect(logger.warn).toHaveBeenCalledWith(
				'EmailEngine Trigger rejected a webhook request: the signature does not match the configured signing secret',
				expect.objectContaining({ status: 401, webhookJobId: capture.headers['x-ee-wh-id'] }),
			);
		});

		it.each(['constructor', '__proto__', 'valueOf'])(
			'should pass on a signed event named %s under "All Events" as an unknown event',
			async (event) => {
				const capture = fixture('messageSent-account-1');
				const body = Buffer.from(
					JSON.stringify({ account: 'bob', date: '2026-12-03T17:45:10.317Z', event, data: {} }),
				);
				const headers = {
					...capture.headers,
					'x-ee-wh-signature': sign(body, CAPTURE_SERVICE_SECRET),
					'x-ee-wh-event-id': `unknown-${event}`,
				};
				const all = webhookFunctions({ body, headers, parameters: { events: ['*'] } });
				const accepted = await trigger.webhook.call(all.context);
				expect(all.response.statusCode).toBe(200);
				expect(accepted.workflowData?.[0].map((item) => item.json)).toEqual([
					expect.objectContaining({ event, eventId: `unknown-${event}`, queueId: null }),
				]);

				const selective = webhookFunctions({ body, headers });
				const ignored = await trigger.webhook.call(selective.context);
				expect(ignored.workflowData).toBeUndefined();
				expect(ignored.webhookResponse).toEqual({
					received: true,
					ignored: `Event ${event} is not selected in this trigger`,
				});
			},
		);

		it('should acknowledge an unselected event without starting an execution', async () => {
			const capture = fixture('trackOpen-account-1');
			const { context } = webhookFunctions({ body: capture.bytes, headers: capture.headers });

			const result = await trigger.webhook.call(context);

			expect(result.workflowData).toBeUndefined();
			expect(result.webhookResponse).toEqual({
				received: true,
				ignored: 'Event trackOpen is not selected in this trigger',
			});
		});
	});
});
