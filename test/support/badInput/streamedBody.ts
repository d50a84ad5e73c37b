import { createHmac } from 'node:crypto';

import type { StreamedBody } from './types';

const CHUNK = 1024 * 1024;

/**
 * A body of `head`, then `fill` repeated up to `size` bytes in total, then `tail`: large JSON
 * built without ever holding it in memory.
 */
export function repeatedBody(head: string, fill: string, tail: string, size: number): StreamedBody {
	const headBytes = Buffer.from(head);
	const tailBytes = Buffer.from(tail);
	const fillLength = size - headBytes.length - tailBytes.length;
	const unit = Buffer.from(fill);
	const block = Buffer.alloc(Math.max(unit.length, CHUNK - (CHUNK % unit.length)), unit);
	return {
		size,
		*chunks() {
			yield headBytes;
			let left = fillLength;
			while (left > 0) {
				const take = Math.min(left, block.length);
				yield take === block.length ? block : block.subarray(0, take);
				left -= take;
			}
			yield tailBytes;
		},
	};
}

/** The signature EmailEngine would compute over the streamed bytes. */
export function signStreamed(body: StreamedBody, secret: string): string {
	const hmac = createHmac('sha256', secret);
	for (const chunk of body.chunks()) hmac.update(chunk);
	return hmac.digest('base64url');
}

export function isStreamed(body: Buffer | StreamedBody): body is StreamedBody {
	return !Buffer.isBuffer(body);
}
