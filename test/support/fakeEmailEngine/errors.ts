import { STATUS_CODES } from 'node:http';

/** An error the fake answers with, in hapi/Boom's payload shape. */
export class ApiError extends Error {
	readonly statusCode: number;
	readonly payload: Record<string, unknown>;
	readonly headers: Record<string, string>;

	constructor(
		statusCode: number,
		message: string,
		extra: Record<string, unknown> = {},
		headers: Record<string, string> = {},
	) {
		super(message);
		this.statusCode = statusCode;
		this.payload = { statusCode, error: STATUS_CODES[statusCode] ?? 'Unknown', message, ...extra };
		this.headers = headers;
	}
}

/** One entry of the `fields` list of a validation failure (`{message, key}`). */
export interface FieldError {
	message: string;
	key: string | number;
}

/** EmailEngine's validation failure: 400 `Invalid input` with Joi's messages in `fields`. */
export function invalidInput(fields: FieldError[]): ApiError {
	return new ApiError(400, 'Invalid input', { fields });
}

/** 401 for a request without any token. */
export function missingToken(): ApiError {
	return new ApiError(401, 'Unauthorized', {}, { 'www-authenticate': 'Bearer' });
}

/** 401 for a token EmailEngine does not know. */
export function badToken(): ApiError {
	return new ApiError(
		401,
		'Bad token',
		{ attributes: { error: 'Bad token' } },
		{ 'www-authenticate': 'Bearer error="Bad token"' },
	);
}

/** EmailEngine's 404 for an account id that has no record. */
export function accountNotFound(): ApiError {
	return new ApiError(404, 'Account record was not found for requested ID');
}

/** The catch-all route's answer for paths EmailEngine does not serve. */
export function pageNotFound(): ApiError {
	return new ApiError(404, 'Requested page not found');
}
