import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { ALL_EVENTS } from '../shared/events';
import { emailEngineApiRequest } from '../shared/transport';
import { readTriggerSettings, type TriggerSettings } from './settings';

/*
 * EmailEngine has no subscription API: a trigger can only point the global webhook URL, or an
 * account's webhook URL, at itself, and every such URL may already be someone else's. So the
 * trigger records exactly what it changed, refuses to replace a URL it did not set unless told
 * to, and on unpublish undoes only its own changes, and only where they are still in place.
 */

/** EmailEngine's stand-in for URL credentials and header values it will not reveal. */
const MASK = '******';

/** Where a URL was registered: the global setting, or one account's override. */
type TargetKey = 'global' | `account:${string}`;

interface TargetRecord {
	/** What the target held before the trigger pointed it at itself, '' for nothing. */
	previousUrl: string;
	/** EmailEngine reported the previous URL with its credentials masked, so it cannot be restored. */
	previousMasked: boolean;
}

export interface RegistrationRecord {
	url: string;
	targets: Partial<Record<TargetKey, TargetRecord>>;
	/** The trigger turned `webhooksEnabled` on. */
	enabledWebhooks: boolean;
	/** Entries the trigger added to `webhookEvents`. */
	addedEvents: string[];
	registeredAt: string;
}

interface RegistrationState {
	production?: RegistrationRecord;
	/** The registration made while listening for a test event; never persisted by n8n. */
	test?: RegistrationRecord;
}

interface GlobalSettings {
	webhooksEnabled: boolean;
	webhooks: string;
	webhookEvents: string[];
}

function stateOf(context: IHookFunctions): RegistrationState {
	const staticData = context.getWorkflowStaticData('node');
	staticData.registrations ??= {};
	return staticData.registrations as RegistrationState;
}

function isTestListening(context: IHookFunctions): boolean {
	return context.getMode() === 'manual' || context.getActivationMode() === 'manual';
}

function webhookUrlOf(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(context.getNode(), 'n8n gave the trigger no webhook URL');
	return url;
}

function sameUrl(a: string | undefined, b: string): boolean {
	return (a ?? '').replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function targetsOf(settings: TriggerSettings): TargetKey[] {
	if (settings.registration === 'global') return ['global'];
	return (settings.accounts ?? []).map((account): TargetKey => `account:${account}`);
}

function accountOf(target: TargetKey): string {
	return target.slice('account:'.length);
}

function describeTarget(target: TargetKey): string {
	return target === 'global'
		? 'the global webhook URL'
		: `the webhook URL of account "${accountOf(target)}"`;
}

function neededEvents(settings: TriggerSettings): string[] {
	return settings.events.includes(ALL_EVENTS) ? [ALL_EVENTS] : settings.events;
}

/**
 * An answer that is not a JSON object would read as "nothing configured" and let the trigger
 * replace a URL it never saw, so it is an error.
 */
async function registrationRequest(
	context: IHookFunctions,
	request: Parameters<typeof emailEngineApiRequest>[0],
): Promise<IDataObject> {
	const response: unknown = await emailEngineApiRequest.call(context, request);
	if (response !== null && typeof response === 'object' && !Array.isArray(response)) {
		return response as IDataObject;
	}
	const message = `EmailEngine answered ${request.method} ${request.path} with a body that is not a JSON object`;
	throw new NodeApiError(
		context.getNode(),
		{ message },
		{
			message,
			description:
				'Check that the Base URL points at EmailEngine itself, not at a proxy or login page in front of it.',
		},
	);
}

async function readGlobalSettings(context: IHookFunctions): Promise<GlobalSettings> {
	const response = await registrationRequest(context, {
		method: 'GET',
		path: '/v1/settings',
		qs: { webhooksEnabled: true, webhooks: true, webhookEvents: true },
	});
	return {
		webhooksEnabled: response.webhooksEnabled === true,
		webhooks: typeof response.webhooks === 'string' ? response.webhooks : '',
		webhookEvents: Array.isArray(response.webhookEvents)
			? (response.webhookEvents as unknown[]).filter((e): e is string => typeof e === 'string')
			: [],
	};
}

async function writeGlobalSettings(context: IHookFunctions, changes: IDataObject): Promise<void> {
	await registrationRequest(context, {
		method: 'POST',
		path: '/v1/settings',
		body: changes,
	});
}

async function readTargetUrl(
	context: IHookFunctions,
	target: TargetKey,
	globals: GlobalSettings,
): Promise<string> {
	if (target === 'global') return globals.webhooks;

	const account = accountOf(target);
	const response = await registrationRequest(context, {
		method: 'GET',
		path: `/v1/account/${encodeURIComponent(account)}`,
		subject: `account "${account}"`,
	});
	return typeof response.webhooks === 'string' ? response.webhooks : '';
}

async function writeTargetUrl(
	context: IHookFunctions,
	target: TargetKey,
	url: string,
): Promise<void> {
	if (target === 'global') {
		await writeGlobalSettings(context, { webhooks: url });
		return;
	}

	const account = accountOf(target);
	await registrationRequest(context, {
		method: 'PUT',
		path: `/v1/account/${encodeURIComponent(account)}`,
		body: { webhooks: url },
		subject: `account "${account}"`,
	});
}

function assertCanVerify(context: IHookFunctions, settings: TriggerSettings): void {
	if (settings.events.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Select at least one event for the trigger');
	}
	if (settings.hasSecret || settings.acceptUnsigned) return;

	throw new NodeOperationError(
		context.getNode(),
		"The EmailEngine credential has no Webhook Signing Secret, so this trigger cannot tell EmailEngine's events from forged ones",
		{
			description:
				'Paste EmailEngine\'s serviceSecret (Configuration → Service in the EmailEngine admin UI) into the credential, or turn on "Accept Unsigned Events" in the trigger options if anyone who can reach this URL may start the workflow.',
		},
	);
}

/** `checkExists`: true only when EmailEngine still delivers the selected events to this URL. */
export async function checkRegistration(this: IHookFunctions): Promise<boolean> {
	const settings = await readTriggerSettings(this);
	assertCanVerify(this, settings);

	if (settings.registration === 'manual') return true;

	// Listening for a test event always goes through `create`, which decides whether the test
	// URL may be registered at all.
	if (isTestListening(this)) return false;

	const record = stateOf(this).production;
	const url = webhookUrlOf(this);
	if (!record || !sameUrl(record.url, url)) return false;

	const targets = targetsOf(settings);
	if (targets.some((target) => !record.targets[target])) return false;

	const globals = await readGlobalSettings(this);
	if (!globals.webhooksEnabled) return false;
	if (!hasEvents(globals.webhookEvents, neededEvents(settings))) return false;

	for (const target of targets) {
		if (!sameUrl(await readTargetUrl(this, target, globals), url)) return false;
	}
	return true;
}

function hasEvents(configured: string[], needed: string[]): boolean {
	if (configured.includes(ALL_EVENTS)) return true;
	return needed.every((event) => configured.includes(event));
}

/**
 * `create`: points the chosen targets at this trigger, switches webhooks on and adds the
 * selected events where they are missing, recording each change so that `delete` can undo it.
 */
export async function createRegistration(this: IHookFunctions): Promise<boolean> {
	const settings = await readTriggerSettings(this);
	assertCanVerify(this, settings);
	if (settings.registration === 'manual') return true;

	const url = webhookUrlOf(this);
	const state = stateOf(this);
	const testing = isTestListening(this);
	const targets = targetsOf(settings);

	if (targets.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			'Choose the accounts whose webhook URL this trigger should use',
			{
				description:
					'Per-account registration sets the webhook URL of each account in the Accounts list.',
			},
		);
	}

	const globals = await readGlobalSettings(this);
	const current = new Map<TargetKey, string>();
	for (const target of targets) current.set(target, await readTargetUrl(this, target, globals));

	if (testing) {
		const busy = [...current.entries()].filter(([, value]) => value !== '' && !sameUrl(value, url));
		if (busy.length > 0) {
			// Taking the URL over, even for two minutes, would divert the production deliveries of
			// a published workflow (or another consumer's) to this test listener.
			this.logger.info('EmailEngine Trigger: not registering the test URL, the target is in use', {
				workflowId: this.getWorkflow().id,
				targets: busy.map(([target]) => target),
			});
			state.test = emptyRecord(url);
			return true;
		}
	}

	const previous = testing ? undefined : state.production;
	const record: RegistrationRecord =
		previous && sameUrl(previous.url, url) ? previous : emptyRecord(url);

	for (const [target, value] of current) {
		if (sameUrl(value, url)) {
			record.targets[target] ??= { previousUrl: '', previousMasked: false };
			continue;
		}
		if (value !== '' && !settings.replaceExistingUrl) {
			throw refusal(this, target, value, url);
		}
		if (value !== '')
			record.targets[target] = { previousUrl: value, previousMasked: value.includes(MASK) };
		else record.targets[target] ??= { previousUrl: '', previousMasked: false };
	}

	const missing = missingEvents(globals.webhookEvents, neededEvents(settings));
	if (missing.length > 0 && globals.webhookEvents.some((event) => event.includes(MASK))) {
		throw new NodeOperationError(
			this.getNode(),
			'EmailEngine reports its webhookEvents masked, so the trigger cannot add its events without losing the others',
			{
				description: 'Add the selected events to webhookEvents in EmailEngine, then publish again.',
			},
		);
	}

	const undo: Array<{ target: TargetKey; step: () => Promise<void> }> = [];
	try {
		for (const [target, value] of current) {
			if (sameUrl(value, url)) continue;
			// Recorded before the write: a write that timed out may still have been applied.
			undo.push({
				target,
				step: async () => await writeTargetUrl(this, target, restorableUrl(value)),
			});
			await writeTargetUrl(this, target, url);
			if (record.targets[target]?.previousMasked) {
				this.logger.warn(
					`EmailEngine Trigger replaced ${describeTarget(target)}; EmailEngine reports the previous URL with masked credentials, so it cannot be put back automatically`,
					{ workflowId: this.getWorkflow().id, target },
				);
			} else if (value !== '') {
				this.logger.info(`EmailEngine Trigger replaced ${describeTarget(target)}`, {
					workflowId: this.getWorkflow().id,
					target,
					previousUrl: value,
				});
			}
		}

		const changes: IDataObject = {};
		if (!globals.webhooksEnabled) {
			changes.webhooksEnabled = true;
			record.enabledWebhooks = true;
		}
		if (missing.length > 0) {
			changes.webhookEvents = [...globals.webhookEvents, ...missing];
			record.addedEvents = [...new Set([...record.addedEvents, ...missing])];
		}
		if (Object.keys(changes).length > 0) await writeGlobalSettings(this, changes);
	} catch (error) {
		const notUndone = await rollBack(this, undo, url);
		// Errors from the transport are NodeApiErrors already, which this returns unchanged.
		const failure = new NodeApiError(this.getNode(), error as JsonObject);
		if (notUndone.length > 0) {
			failure.message = `${failure.message}. In EmailEngine, ${notUndone.map(describeTarget).join(' and ')} may still point at ${url}, which no published workflow receives: reset it in EmailEngine`;
		}
		throw failure;
	}

	record.registeredAt = new Date().toISOString();
	if (testing) state.test = record;
	else state.production = record;

	this.logger.info('EmailEngine Trigger registered its webhook URL with EmailEngine', {
		workflowId: this.getWorkflow().id,
		targets,
		test: testing,
	});
	return true;
}

function emptyRecord(url: string): RegistrationRecord {
	return { url, targets: {}, enabledWebhooks: false, addedEvents: [], registeredAt: '' };
}

function missingEvents(configured: string[], needed: string[]): string[] {
	if (configured.includes(ALL_EVENTS)) return [];
	return needed.filter((event) => !configured.includes(event));
}

function restorableUrl(value: string): string {
	return value.includes(MASK) ? '' : value;
}

function refusal(context: IHookFunctions, target: TargetKey, currentUrl: string, url: string) {
	const ownInstance = new URL(url).origin === safeOrigin(currentUrl);
	const owner = ownInstance ? ' (another workflow on this n8n instance)' : '';
	return new NodeOperationError(
		context.getNode(),
		`In EmailEngine, ${describeTarget(target)} already points at ${currentUrl}${owner}`,
		{
			description:
				'The trigger does not replace a webhook URL it did not set. Turn on "Replace Existing Webhook URL" to take it over (the current URL is put back when this workflow is unpublished), or use manual registration with a webhook route.',
		},
	);
}

function safeOrigin(value: string): string | undefined {
	try {
		return new URL(value).origin;
	} catch {
		return undefined;
	}
}

/** Undoes the writes of a failed `create`; returns the targets it could not put back. */
async function rollBack(
	context: IHookFunctions,
	undo: Array<{ target: TargetKey; step: () => Promise<void> }>,
	url: string,
): Promise<TargetKey[]> {
	const notUndone: TargetKey[] = [];
	for (const { target, step } of undo.reverse()) {
		try {
			await step();
		} catch (error) {
			notUndone.push(target);
			context.logger.error(
				`EmailEngine Trigger could not undo a change after registration failed; in EmailEngine, ${describeTarget(target)} may still point at ${url}`,
				{ workflowId: context.getWorkflow().id, target, error: (error as Error).message },
			);
		}
	}
	return notUndone;
}

/**
 * `delete`: undoes what `create` recorded, where EmailEngine still holds the trigger's values.
 * It never fails: when EmailEngine cannot be reached it logs what is left to undo by hand.
 */
export async function deleteRegistration(this: IHookFunctions): Promise<boolean> {
	const state = stateOf(this);
	const url = this.getNodeWebhookUrl('default') ?? '';

	// The static data of a test listener is a copy that also holds the production record, so the
	// URL being removed decides which of the two this call undoes.
	const which: keyof RegistrationState =
		state.test && sameUrl(state.test.url, url) ? 'test' : 'production';
	const record = state[which];
	if (!record) return true;

	const leftOver = await undoRecord(this, record);
	if (leftOver.length === 0) {
		delete state[which];
		return true;
	}

	this.logger.warn(
		`EmailEngine Trigger could not undo its registration: ${leftOver.join('; ')}. EmailEngine may keep delivering to ${record.url}`,
		{ workflowId: this.getWorkflow().id },
	);
	return false;
}

async function undoRecord(context: IHookFunctions, record: RegistrationRecord): Promise<string[]> {
	const leftOver: string[] = [];
	let globals: GlobalSettings;
	try {
		globals = await readGlobalSettings(context);
	} catch (error) {
		return [`EmailEngine could not be read (${(error as Error).message})`];
	}

	for (const [target, saved] of Object.entries(record.targets) as Array<
		[TargetKey, TargetRecord]
	>) {
		try {
			const value = await readTargetUrl(context, target, globals);
			if (!sameUrl(value, record.url)) {
				context.logger.info(
					`EmailEngine Trigger left ${describeTarget(target)} alone: it no longer points at this workflow`,
					{
						workflowId: context.getWorkflow().id,
						target,
					},
				);
				delete record.targets[target];
				continue;
			}
			await writeTargetUrl(context, target, restorableUrl(saved.previousUrl));
			if (saved.previousMasked) {
				context.logger.warn(
					`EmailEngine Trigger cleared ${describeTarget(target)} instead of restoring it, because EmailEngine only reported it with masked credentials; enter it again in EmailEngine`,
					{ workflowId: context.getWorkflow().id, target },
				);
			}
			delete record.targets[target];
		} catch (error) {
			leftOver.push(`${describeTarget(target)} (${(error as Error).message})`);
		}
	}

	const changes: IDataObject = {};
	if (record.addedEvents.length > 0) {
		const remaining = globals.webhookEvents.filter((event) => !record.addedEvents.includes(event));
		if (remaining.some((event) => event.includes(MASK))) {
			leftOver.push('webhookEvents (EmailEngine reports them masked)');
		} else if (remaining.length !== globals.webhookEvents.length) {
			changes.webhookEvents = remaining;
		}
	}
	if (record.enabledWebhooks && globals.webhooksEnabled) changes.webhooksEnabled = false;

	if (Object.keys(changes).length > 0) {
		try {
			await writeGlobalSettings(context, changes);
			record.addedEvents = [];
			record.enabledWebhooks = false;
		} catch (error) {
			leftOver.push(`webhookEvents and webhooksEnabled (${(error as Error).message})`);
		}
	}
	return leftOver;
}
