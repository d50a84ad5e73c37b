import { randomUUID } from 'node:crypto';

import {
	recentSecrets,
	SECRETS_TTL_MS,
	type ServiceSecrets,
} from '../../nodes/EmailEngineTrigger/credentialCache';

/** A credential whose secret the test changes, counting how often it is read. */
function credential(initial: ServiceSecrets) {
	const state = { secrets: initial, reads: 0 };
	const load = async () => {
		state.reads++;
		return { ...state.secrets };
	};
	return { state, load };
}

describe('recentSecrets', () => {
	const start = 1_700_000_000_000;

	it('reads the credential once for every request within the expiry', async () => {
		const key = randomUUID();
		const { state, load } = credential({ current: 'one' });
		for (let offset = 0; offset < SECRETS_TTL_MS; offset += 500) {
			expect(await recentSecrets(key, load, start + offset)).toEqual({ current: 'one' });
		}
		expect(state.reads).toBe(1);
	});

	it('picks up a rotated secret once the expiry has passed', async () => {
		const key = randomUUID();
		const { state, load } = credential({ current: 'old' });
		expect(await recentSecrets(key, load, start)).toEqual({ current: 'old' });

		state.secrets = { current: 'new', previous: 'old' };
		expect(await recentSecrets(key, load, start + SECRETS_TTL_MS - 1)).toEqual({ current: 'old' });
		expect(await recentSecrets(key, load, start + SECRETS_TTL_MS)).toEqual({
			current: 'new',
			previous: 'old',
		});
		expect(state.reads).toBe(2);
	});

	it('shares one read between requests that arrive while it is in flight', async () => {
		const key = randomUUID();
		const { state, load } = credential({ current: 'shared' });
		const answers = await Promise.all(
			Array.from({ length: 8 }, async () => await recentSecrets(key, load, start)),
		);
		expect(answers).toEqual(Array.from({ length: 8 }, () => ({ current: 'shared' })));
		expect(state.reads).toBe(1);
	});

	it('keeps no failed read: the error reaches the caller and the next request reads again', async () => {
		const key = randomUUID();
		const failing = async (): Promise<ServiceSecrets> => {
			throw new Error('credential not found');
		};
		await expect(recentSecrets(key, failing, start)).rejects.toThrow('credential not found');

		const { state, load } = credential({ current: 'restored' });
		expect(await recentSecrets(key, load, start + 1)).toEqual({ current: 'restored' });
		expect(state.reads).toBe(1);
	});

	it('keeps separate secrets per key', async () => {
		const first = credential({ current: 'first' });
		const second = credential({ current: 'second' });
		expect(await recentSecrets(randomUUID(), first.load, start)).toEqual({ current: 'first' });
		expect(await recentSecrets(randomUUID(), second.load, start)).toEqual({ current: 'second' });
	});

	it('stays usable when far more keys than triggers pass through it', async () => {
		const { state, load } = credential({ current: 'many' });
		for (let index = 0; index < 2_500; index++) {
			await recentSecrets(`flood-${index}`, load, start);
		}
		expect(state.reads).toBe(2_500);
		// The newest keys are still held.
		expect(await recentSecrets('flood-2499', load, start + 1)).toEqual({ current: 'many' });
		expect(state.reads).toBe(2_500);
	});
});
