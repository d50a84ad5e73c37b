import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/transport';

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
	secrets: { current?: string; previous?: string };
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

export async function readTriggerSettings(
	context: IHookFunctions | IWebhookFunctions,
): Promise<TriggerSettings> {
	const registration = context.getNodeParameter('registration', 'manual') as RegistrationMode;
	const events = context.getNodeParameter('events', []) as string[];
	const options = context.getNodeParameter('options', {}) as TriggerOptions;

	const scope =
		registration === 'account'
			? 'selected'
			: (context.getNodeParameter('accountScope', 'all') as 'all' | 'selected');
	const accounts =
		scope === 'selected' ? accountList(context.getNodeParameter('accounts', [])) : null;

	const credentials = (await context.getCredentials<TriggerCredentials>(CREDENTIAL_TYPE)) ?? {};
	const current = nonEmpty(credentials.serviceSecret);
	const previous = nonEmpty(credentials.previousServiceSecret);

	return {
		registration,
		events,
		accounts,
		replaceExistingUrl:
			registration !== 'manual' &&
			(context.getNodeParameter('replaceExistingUrl', false) as boolean),
		acceptUnsigned: options.acceptUnsigned === true,
		output: options.output ?? 'normalized',
		includeRaw: options.includeRaw === true,
		hasSecret: current !== undefined,
		secrets: { current, previous },
	};
}

/** Accepts the picked list, or account ids typed as an expression: an array or a comma list. */
function accountList(value: unknown): string[] {
	const values = Array.isArray(value) ? value : String(value ?? '').split(',');
	return [...new Set(values.map((v) => String(v).trim()).filter((v) => v !== ''))];
}

function nonEmpty(value: string | undefined): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}
