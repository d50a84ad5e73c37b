import { randomBytes, randomUUID } from 'node:crypto';

import type { AccountRecord } from './types';

/** The MTA accepted the message. */
export interface SmtpAccepted {
	accepted: true;
	/** The DATA reply, e.g. `250 OK: queued as 24FA38DFB5B8`. */
	response: string;
	/** Set when the reply carries a provider Message-ID that EmailEngine swaps in. */
	rewrittenMessageId?: string;
}

/** The MTA refused the message, as nodemailer reports it. */
export interface SmtpRejected {
	accepted: false;
	/** Not retried: 5xx answers other than 503. */
	permanent: boolean;
	error: string;
	errorCode: string;
	smtpResponse: string;
	smtpResponseCode: number;
	smtpCommand: string;
}

export type SmtpOutcome = SmtpAccepted | SmtpRejected;

const OUTLOOK_HOST = 'DM6PR11MB1234.namprd11.prod.outlook.com';

function localPart(address: string): string {
	return address.split('@')[0].toLowerCase();
}

function rcptRejection(recipient: string): SmtpRejected | null {
	const local = localPart(recipient);
	let smtpResponse: string | undefined;
	let code = 0;
	if (local.startsWith('tempfail')) {
		code = 451;
		smtpResponse = `451 4.7.1 <${recipient}>: Recipient address rejected: Greylisted, try again later`;
	} else if (local.startsWith('permfail')) {
		code = 550;
		smtpResponse = `550 5.1.1 <${recipient}>: Recipient address rejected: User unknown in local recipient table`;
	}
	if (!smtpResponse) return null;
	return {
		accepted: false,
		permanent: code >= 500 && code !== 503,
		error: `Can't send mail - all recipients were rejected: ${smtpResponse}`,
		errorCode: 'EENVELOPE',
		smtpResponse,
		smtpResponseCode: code,
		smtpCommand: 'RCPT TO',
	};
}

/**
 * What the capture run's SMTP server answers: AUTH refused for accounts marked `smtpAuthFails`,
 * `tempfail*` recipients get 451 and `permfail*` 550 at RCPT TO, an `outlook*` first accepted
 * recipient gets Outlook's DATA reply, anyone else `250 OK: queued as <12 hex>`.
 */
export function simulateSmtp(account: AccountRecord, recipients: string[]): SmtpOutcome {
	if (account.smtpAuthFails) {
		const smtpResponse = '535 5.7.8 Authentication credentials invalid';
		return {
			accepted: false,
			permanent: true,
			error: `Invalid login: ${smtpResponse}`,
			errorCode: 'EAUTH',
			smtpResponse,
			smtpResponseCode: 535,
			smtpCommand: 'AUTH PLAIN',
		};
	}
	const accepted = recipients.filter((recipient) => !rcptRejection(recipient));
	if (!accepted.length) {
		return (
			(recipients.length ? rcptRejection(recipients[0]) : null) ?? {
				accepted: false,
				permanent: true,
				error: 'No recipients defined',
				errorCode: 'EENVELOPE',
				smtpResponse: '',
				smtpResponseCode: 0,
				smtpCommand: 'API',
			}
		);
	}
	if (localPart(accepted[0]).startsWith('outlook')) {
		const rewrittenMessageId = `<${randomUUID().toUpperCase()}@${OUTLOOK_HOST}>`;
		return {
			accepted: true,
			response: `250 2.0.0 OK ${rewrittenMessageId} [Hostname=${OUTLOOK_HOST}]`,
			rewrittenMessageId,
		};
	}
	return {
		accepted: true,
		response: `250 OK: queued as ${randomBytes(6).toString('hex').toUpperCase()}`,
	};
}
