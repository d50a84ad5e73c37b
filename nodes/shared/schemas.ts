import { z } from 'zod';

import type { EmailEngineEventName } from './events';

/*
 * Payload schemas for EmailEngine 2.79.2 webhooks. They require what EmailEngine always sends
 * and what the normalizer reads, and let every other field through untouched, so that a newer
 * EmailEngine adding fields keeps working.
 */

const address = z
	.object({ name: z.string().optional(), address: z.string().optional() })
	.passthrough();

const smtpEnvelope = z
	.object({ from: z.string().optional(), to: z.array(z.string()).optional() })
	.passthrough();

export const envelopeSchema = z
	.object({
		serviceUrl: z.string().nullable().optional(),
		// The admin UI's "test webhook" button sends `account: null`.
		account: z.string().nullable(),
		date: z.string(),
		event: z.string().min(1),
		path: z.string().optional(),
		specialUse: z.string().optional(),
		data: z.record(z.unknown()).optional(),
	})
	.passthrough();

export type EmailEnginePayload = z.infer<typeof envelopeSchema>;

const messageSent = z
	.object({
		messageId: z.string(),
		originalMessageId: z.string().optional(),
		response: z.string().optional(),
		queueId: z.string(),
		envelope: smtpEnvelope.optional(),
	})
	.passthrough();

const messageDeliveryError = z
	.object({
		queueId: z.string(),
		messageId: z.string(),
		envelope: smtpEnvelope.optional(),
		error: z.string().optional(),
		errorCode: z.string().optional(),
		smtpResponse: z.string().optional(),
		smtpResponseCode: z.number().optional(),
		smtpCommand: z.string().optional(),
		job: z
			.object({
				id: z.string().optional(),
				attemptsMade: z.number(),
				attempts: z.number(),
				nextAttempt: z.union([z.string(), z.literal(false)]),
			})
			.passthrough()
			.optional(),
	})
	.passthrough();

const messageFailed = z
	.object({ messageId: z.string(), queueId: z.string(), error: z.string().optional() })
	.passthrough();

const messageBounce = z
	.object({
		bounceMessage: z.string().optional(),
		recipient: z.string(),
		action: z.string(),
		response: z
			.object({
				source: z.string().optional(),
				message: z.string().optional(),
				status: z.string().optional(),
				category: z.string().optional(),
				recommendedAction: z.string().optional(),
				blocklist: z.unknown().optional(),
				retryAfter: z.unknown().optional(),
			})
			.passthrough()
			.optional(),
		mta: z.string().optional(),
		queueId: z.string().optional(),
		messageId: z.string(),
		messageHeaders: z.record(z.array(z.string())).nullable().optional(),
	})
	.passthrough();

const messageComplaint = z
	.object({
		complaintMessage: z.string().optional(),
		arf: z
			.object({
				feedbackType: z.string().optional(),
				originalRcptTo: z.array(z.string()).optional(),
				originalMailFrom: z.string().optional(),
				userAgent: z.string().optional(),
				arrivalDate: z.string().optional(),
				reportingMta: z.string().optional(),
				sourceIp: z.string().optional(),
			})
			.passthrough(),
		headers: z
			.object({
				messageId: z.string().optional(),
				from: z.string().optional(),
				to: z.array(z.string()).optional(),
				subject: z.string().optional(),
				date: z.string().optional(),
			})
			.passthrough()
			.optional(),
	})
	.passthrough();

const tracking = z
	.object({
		messageId: z.string(),
		url: z.string().optional(),
		remoteAddress: z.string().optional(),
		userAgent: z.string().optional(),
	})
	.passthrough();

const listMembership = z
	.object({
		recipient: z.string(),
		messageId: z.string().optional(),
		listId: z.string(),
		remoteAddress: z.string().optional(),
		userAgent: z.string().optional(),
	})
	.passthrough();

const messageNew = z
	.object({
		id: z.string(),
		messageId: z.string().optional(),
		subject: z.string().optional(),
		from: address.optional(),
		to: z.array(address).optional(),
		relatedMessageId: z.string().optional(),
	})
	.passthrough();

const messageRef = z.object({ id: z.string() }).passthrough();

const mailbox = z
	.object({ path: z.string(), name: z.string().optional(), specialUse: z.unknown().optional() })
	.passthrough();

const connectionProblem = z
	.object({ response: z.string().optional(), serverResponseCode: z.string().optional() })
	.passthrough();

const accountRef = z.object({ account: z.string() }).passthrough();

export const dataSchemas: Record<EmailEngineEventName, z.ZodTypeAny> = {
	messageSent,
	messageDeliveryError,
	messageFailed,
	messageBounce,
	messageComplaint,
	trackOpen: tracking,
	trackClick: tracking.extend({ url: z.string() }),
	listUnsubscribe: listMembership,
	listSubscribe: listMembership,
	messageNew,
	messageDeleted: messageRef,
	messageUpdated: messageRef,
	messageMissing: messageRef,
	mailboxNew: mailbox,
	mailboxDeleted: mailbox,
	mailboxReset: mailbox,
	accountAdded: accountRef,
	accountInitialized: z.object({ initialized: z.boolean() }).passthrough(),
	accountDeleted: accountRef,
	authenticationSuccess: z.object({ user: z.string().optional() }).passthrough(),
	authenticationError: connectionProblem,
	connectError: connectionProblem,
	exportCompleted: z.object({ exportId: z.string() }).passthrough(),
	exportFailed: z.object({ exportId: z.string(), error: z.string().optional() }).passthrough(),
};

export type MessageSentData = z.infer<typeof messageSent>;
export type MessageDeliveryErrorData = z.infer<typeof messageDeliveryError>;
export type MessageFailedData = z.infer<typeof messageFailed>;
export type MessageBounceData = z.infer<typeof messageBounce>;
export type MessageComplaintData = z.infer<typeof messageComplaint>;
export type TrackingData = z.infer<typeof tracking>;
export type ListMembershipData = z.infer<typeof listMembership>;
export type MessageNewData = z.infer<typeof messageNew>;

/** One readable sentence per problem, naming the field by its path in the payload. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
	return error.issues
		.slice(0, 3)
		.map((issue) => {
			const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || 'body';
			if (issue.code === 'invalid_type' && issue.received === 'undefined') {
				return `${field} is missing`;
			}
			if (issue.code === 'invalid_type') {
				return `${field} must be ${article(issue.expected)}, not ${article(issue.received)}`;
			}
			return `${field}: ${issue.message}`;
		})
		.join('; ');
}

function article(type: string): string {
	if (type === 'null' || type === 'undefined') return type;
	return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
