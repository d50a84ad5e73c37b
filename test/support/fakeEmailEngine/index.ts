/** A fake EmailEngine 2.79.2 for integration and end-to-end tests. */
export {
	FAKE_ROOT_TOKEN,
	startFakeEmailEngine,
	type FakeEmailEngine,
	type FakeEmailEngineOptions,
	type WaitOptions,
} from './fakeEmailEngine';
export type { FakeState, OutboxRecord, OutboxStatus, SubmitTiming } from './core';
export type { EventInput } from './envelope';
export { buildEnvelope } from './envelope';
export type { Fault, FaultScope } from './faults';
export { MASK, maskHeaders, maskUrl } from './masking';
export {
	startWebhookReceiver,
	type ReceivedRequest,
	type ReceiverAnswer,
	type WebhookReceiver,
} from './receiver';
export {
	deliverRaw,
	replayFixture,
	type RawDelivery,
	type ReplayOptions,
	type ReplayResult,
} from './replay';
export { EVENT_TYPES, SECRET_SETTINGS } from './settings';
export { makeMessageId, makeQueueId } from './submit';
export type * from './types';
export { USER_AGENT, type SkippedJob, type WebhookTiming } from './webhookWorker';
