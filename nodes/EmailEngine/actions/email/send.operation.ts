import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	correlatedMessageId,
	REFERENCE_HEADER,
	REFERENCE_RULE,
	referenceProblem,
	domainProblem,
} from '../../../shared/correlation';
import { canonicalMessageId } from '../../../shared/messageId';
import { emailEngineApiRequest } from '../../../shared/transport';
import { domainOf, parseAddresses, type Address } from '../addresses';
import { accountField, toItems } from '../common';

const show = { resource: ['email'], operation: ['send'] };

export const description: INodeProperties[] = [
	accountField('email', ['send']),
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Ada Lovelace <ada@example.com>, bob@example.com',
		description: 'Recipients, separated by commas',
		displayOptions: { show },
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		description: 'Plain-text body. EmailEngine derives one from the HTML when this is empty.',
		displayOptions: { show },
	},
	{
		displayName: 'HTML',
		name: 'html',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		description: 'HTML body',
		displayOptions: { show },
	},
	{
		displayName: 'Correlation Reference',
		name: 'reference',
		type: 'string',
		default: '',
		placeholder: 'deal-4711',
		description: `Your own ID for this message (a CRM contact or deal ID, an order number), ${REFERENCE_RULE}. It is written into the Message-ID and the ${REFERENCE_HEADER} header, so the EmailEngine Correlate node can read it back from later events. Recipients can see it: never put secrets or personal data in it.`,
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Attachments',
				name: 'attachments',
				type: 'string',
				default: '',
				placeholder: 'data, invoice',
				description: 'Names of the input binary properties to attach, separated by commas',
			},
			{
				displayName: 'BCC',
				name: 'bcc',
				type: 'string',
				default: '',
				description: 'Blind-copy recipients, separated by commas',
			},
			{
				displayName: 'CC',
				name: 'cc',
				type: 'string',
				default: '',
				description: 'Copy recipients, separated by commas',
			},
			{
				displayName: 'Custom Headers',
				name: 'headers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Header',
						name: 'header',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Delivery Attempts',
				name: 'deliveryAttempts',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description: 'How many times EmailEngine tries to deliver before it gives up',
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'Sales <sales@example.com>',
				description: "Sender. EmailEngine uses the account's name and address when empty.",
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				placeholder: 'order-1234-confirmation',
				description:
					'EmailEngine queues a message only once per key for about a day; sending again with the same key returns the first answer instead of sending twice. Up to 1,024 characters, for example an order number plus the kind of message.',
			},
			{
				displayName: 'Message-ID',
				name: 'messageId',
				type: 'string',
				default: '',
				placeholder: '<order-1234@example.com>',
				description:
					'Your own Message-ID. Leave empty to let EmailEngine (or, with a correlation reference, this node) generate one.',
			},
			{
				displayName: 'Message-ID Domain',
				name: 'messageIdDomain',
				type: 'string',
				default: '',
				placeholder: 'example.com',
				description:
					"Domain for the Message-ID generated for a correlation reference. Defaults to the sender's domain.",
			},
			{
				displayName: 'Reply-To',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: 'Reply-To addresses, separated by commas',
			},
			{
				displayName: 'Send At',
				name: 'sendAt',
				type: 'dateTime',
				default: '',
				description: 'Queue the message now but send it at this time',
			},
			{
				displayName: 'Track Clicks',
				name: 'trackClicks',
				type: 'boolean',
				default: false,
				description:
					'Whether EmailEngine rewrites links in the HTML to report clicks (trackClick events)',
			},
			{
				displayName: 'Track Opens',
				name: 'trackOpens',
				type: 'boolean',
				default: false,
				description:
					'Whether EmailEngine adds a tracking pixel to the HTML to report opens (trackOpen events)',
			},
		],
	},
];

interface SendOptions {
	attachments?: string;
	bcc?: string;
	cc?: string;
	headers?: { header?: Array<{ name: string; value: string }> };
	deliveryAttempts?: number;
	from?: string;
	idempotencyKey?: string;
	messageId?: string;
	messageIdDomain?: string;
	replyTo?: string;
	sendAt?: string;
	trackClicks?: boolean;
	trackOpens?: boolean;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const fail = (message: string, description?: string) =>
		new NodeOperationError(this.getNode(), message, { itemIndex, description });
	const account = String(this.getNodeParameter('account', itemIndex)).trim();
	const options = this.getNodeParameter('options', itemIndex, {}) as SendOptions;
	const reference = String(this.getNodeParameter('reference', itemIndex, '')).trim();

	const addresses = (field: string, value: unknown): Address[] => {
		const parsed = parseAddresses(value, field);
		if (!parsed.ok) throw fail(parsed.message);
		return parsed.addresses;
	};

	const to = addresses('To', this.getNodeParameter('to', itemIndex));
	if (to.length === 0) throw fail('To: at least one recipient is required');
	const cc = addresses('CC', options.cc);
	const bcc = addresses('BCC', options.bcc);
	const replyTo = addresses('Reply-To', options.replyTo);
	const from = options.from ? addresses('From', options.from) : [];
	if (from.length > 1) throw fail('From: give one sender address');

	const body: IDataObject = { to };
	if (from[0]) body.from = from[0];
	if (cc.length) body.cc = cc;
	if (bcc.length) body.bcc = bcc;
	if (replyTo.length) body.replyTo = replyTo;

	const subject = this.getNodeParameter('subject', itemIndex, '') as string;
	const text = this.getNodeParameter('text', itemIndex, '') as string;
	const html = this.getNodeParameter('html', itemIndex, '') as string;
	if (subject) body.subject = subject;
	if (text) body.text = text;
	if (html) body.html = html;

	const headers: IDataObject = {};
	for (const { name, value } of options.headers?.header ?? []) {
		const headerName = name.trim();
		if (!headerName) continue;
		if (!/^[!-9;-~]+$/.test(headerName)) {
			throw fail(`Custom Headers: "${headerName}" is not a valid header name`);
		}
		if (headerName === '__proto__') {
			// Assigning it would set the prototype of the headers object and drop the header.
			throw fail('Custom Headers: "__proto__" cannot be sent as a header name');
		}
		if (reference && headerName.toLowerCase() === REFERENCE_HEADER.toLowerCase()) {
			throw fail(
				`Custom Headers: ${REFERENCE_HEADER} is set from the Correlation Reference; remove it from the custom headers`,
			);
		}
		headers[headerName] = value;
	}

	if (reference) {
		const problem = referenceProblem(reference);
		if (problem)
			throw fail(
				problem,
				'References travel in the Message-ID and a mail header, so only these characters are safe everywhere.',
			);
		if (options.messageId) {
			throw fail(
				'Message-ID and Correlation Reference cannot both be set: the reference is carried in the Message-ID this node generates',
			);
		}
		const domain =
			options.messageIdDomain?.trim() ||
			domainOf(from[0]?.address) ||
			(await accountDomain.call(this, account, itemIndex));
		if (!domain) {
			throw fail(
				'Cannot tell which domain the generated Message-ID should use',
				'Set "Message-ID Domain" or "From" in the options.',
			);
		}
		const badDomain = domainProblem(domain);
		if (badDomain) throw fail(`Message-ID Domain: ${badDomain}`);
		const messageId = correlatedMessageId(reference, domain);
		body.messageId = messageId;
		headers[REFERENCE_HEADER] = messageId;
	} else if (options.messageId) {
		body.messageId = options.messageId.trim();
	}
	if (Object.keys(headers).length) body.headers = headers;

	const attachmentNames = (options.attachments ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	if (attachmentNames.length) {
		const attachments: IDataObject[] = [];
		for (const property of attachmentNames) {
			const binary = this.helpers.assertBinaryData(itemIndex, property);
			const content = await this.helpers.getBinaryDataBuffer(itemIndex, property);
			attachments.push({
				filename: binary.fileName ?? property,
				contentType: binary.mimeType,
				content: content.toString('base64'),
				encoding: 'base64',
			});
		}
		body.attachments = attachments;
	}

	if (options.sendAt) {
		const at = new Date(options.sendAt);
		if (Number.isNaN(at.getTime())) throw fail(`Send At: "${options.sendAt}" is not a date`);
		body.sendAt = at.toISOString();
	}
	if (options.deliveryAttempts !== undefined) body.deliveryAttempts = options.deliveryAttempts;
	if (options.trackOpens !== undefined) body.trackOpens = options.trackOpens;
	if (options.trackClicks !== undefined) body.trackClicks = options.trackClicks;

	const idempotencyKey = options.idempotencyKey?.trim();
	if (idempotencyKey && idempotencyKey.length > 1024) {
		throw fail('Idempotency Key: EmailEngine accepts at most 1,024 characters');
	}

	const submittedAt = new Date().toISOString();
	const response = await emailEngineApiRequest.call(this, {
		method: 'POST',
		path: `/v1/account/${encodeURIComponent(account)}/submit`,
		body,
		headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
		subject: `account "${account}"`,
		itemIndex,
	});

	const result: IDataObject = {
		account,
		queueId: response.queueId ?? null,
		messageId: response.messageId ?? null,
		sendAt: response.sendAt ?? null,
		response: response.response ?? null,
		reference: reference || null,
		trackingKey: canonicalMessageId(response.messageId),
		recipients: [...to, ...cc, ...bcc].map((entry) => entry.address),
		submittedAt,
	};
	if (response.idempotency) result.idempotency = response.idempotency;
	return toItems(itemIndex, [result]);
}

async function accountDomain(
	this: IExecuteFunctions,
	account: string,
	itemIndex: number,
): Promise<string | null> {
	const info = await emailEngineApiRequest.call(this, {
		method: 'GET',
		path: `/v1/account/${encodeURIComponent(account)}`,
		subject: `account "${account}"`,
		itemIndex,
	});
	return domainOf(typeof info.email === 'string' ? info.email : undefined);
}
