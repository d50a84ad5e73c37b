import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/transport';
import { recentSecrets, type ServiceSecrets } from './credentialCache';

export type RegistrationMode = 'manual' | 'global' | 'account';

/** The trigger's parameters and credential, read once per call and typed. */
export interface TriggerSettings {
	registration: RegistrationMode;
	events: string[];
	/** Account ids to listen to, or null for all accounts. */
	accounts: string[] | null;
	replaceExistingUrl: boolean;
	acceptUnsigned: boolean;
	output: 'normalized' | 'raw';
	includeRaw: boolean;
	hasSecret: boolean;
	secrets: ServiceSecrets;
}

interface TriggerCredentials {
	serviceSecret?: string;
	previousServiceSecret?: string;
}

interface TriggerOptions {
	acceptUnsigned?: boolean;
	output?: 'normalized' | 'raw';
	includeRaw?: boolean;
}

export interface ReadOptions {
	/**
	 * Accept secrets read up to a few seconds ago (see credentialCache): for the webhook, which
	 * runs per request. Registration always reads the credential as it is now.
	 */
	recentSecrets?: boolean;
}

export async function readTriggerSettings(
	context: IHookFunctions | IWebhookFunctions,
	options: ReadOptions = {},
): Promise<TriggerSettings> {
	const registration = context.getNodeParameter('registration', 'manual') as RegistrationMode;
	const events = context.getNodeParameter('events', []) as string[];
	const triggerOptions = context.getNodeParameter('options', {}) as TriggerOptions;

	const scope =
		registration === 'account'
			? 'selected'
			: (context.getNodeParameter('accountScope', 'all') as 'all' | 'selected');
	const accounts =
		scope === 'selected' ? accountList(context.getNodeParameter('accounts', [])) : null;

	const cacheKey = options.recentSecrets ? secretsCacheKey(context) : undefined;
	const secrets = cacheKey
		? await recentSecrets(cacheKey, async () => await readSecrets(context))
		: await readSecrets(context);

	return {
		registration,
		events,
		accounts,
		replaceExistingUrl:
			registration !== 'manual' &&
			(context.getNodeParameter('replaceExistingUrl', false) as boolean),
		acceptUnsigned: triggerOptions.acceptUnsigned === true,
		output: triggerOptions.output ?? 'normalized',
		includeRaw: triggerOptions.includeRaw === true,
		hasSecret: secrets.current !== undefined,
		secrets,
	};
}

async function readSecrets(context: IHookFunctions | IWebhookFunctions): Promise<ServiceSecrets> {
	const credentials = (await context.getCredentials<TriggerCredentials>(CREDENTIAL_TYPE)) ?? {};
	return {
		current: nonEmpty(credentials.serviceSecret),
		previous: nonEmpty(credentials.previousServiceSecret),
	};
}

/**
 * One entry per trigger node and mode, and per credential, so that choosing another credential
 * takes effect at once. Without a credential id there is nothing safe to key on.
 */
function secretsCacheKey(context: IHookFunctions | IWebhookFunctions): string | undefined {
	const credentialId = context.getNode().credentials?.[CREDENTIAL_TYPE]?.id;
	if (!credentialId) return undefined;
	const workflowId = context.getWorkflow().id ?? '';
	return `${workflowId}:${context.getNode().id}:${context.getMode()}:${credentialId}`;
}

/** Accepts the picked list, or account ids typed as an expression: an array or a comma list. */
function accountList(value: unknown): string[] {
	const values = Array.isArray(value) ? value : String(value ?? '').split(',');
	return [...new Set(values.map((v) => String(v).trim()).filter((v) => v !== ''))];
}

function nonEmpty(value: string | undefined): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}
