import { EventIdMemory } from '../../nodes/shared/dedup';

const HOUR = 60 * 60 * 1000;

function memoryWithClock(options: { windowMs: number; maxIdsPerGeneration: number }) {
	let now = 1_000_000;
	const memory = new EventIdMemory({ ...options, now: () => now });
	return { memory, advance: (ms: number) => (now += ms) };
}

describe('EventIdMemory', () => {
	it('reports the second delivery of an event id as a duplicate', () => {
		const { memory } = memoryWithClock({ windowMs: 2 * HOUR, maxIdsPerGeneration: 10 });
		expect(memory.checkAndRecord('a')).toBe('new');
		expect(memory.checkAndRecord('a')).toBe('duplicate');
		expect(memory.checkAndRecord('b')).toBe('new');
	});

	it("remembers an id across EmailEngine's whole retry span of about 45 minutes", () => {
		const { memory, advance } = memoryWithClock({ windowMs: 2 * HOUR, maxIdsPerGeneration: 10 });
		memory.checkAndRecord('retried');
		for (const wait of [5, 10, 20, 40, 80, 160, 320, 640, 1280]) {
			advance(wait * 1000);
			expect(memory.checkAndRecord('retried')).toBe('duplicate');
		}
	});

	it('remembers an id for at least one window and forgets it after two', () => {
		const { memory, advance } = memoryWithClock({ windowMs: 2 * HOUR, maxIdsPerGeneration: 10 });
		advance(2 * HOUR - 1);
		memory.checkAndRecord('late-in-generation');
		advance(2 * HOUR - 1);
		expect(memory.checkAndRecord('late-in-generation')).toBe('duplicate');

		advance(4 * HOUR);
		expect(memory.checkAndRecord('late-in-generation')).toBe('new');
	});

	it('never holds more than two generations of ids', () => {
		const { memory } = memoryWithClock({ windowMs: 2 * HOUR, maxIdsPerGeneration: 100 });
		for (let i = 0; i < 1000; i++) memory.checkAndRecord(`id-${i}`);
		expect(memory.size).toBeLessThanOrEqual(200);
		expect(memory.checkAndRecord('id-999')).toBe('duplicate');
		expect(memory.checkAndRecord('id-0')).toBe('new');
	});

	it('counts a delivery as seen when any one of its keys was recorded', () => {
		const { memory } = memoryWithClock({ windowMs: 2 * HOUR, maxIdsPerGeneration: 10 });
		expect(memory.checkAndRecordAll(['event-1', 'signature-1'])).toBe('new');
		expect(memory.checkAndRecordAll(['event-2', 'signature-1'])).toBe('duplicate');
		expect(memory.checkAndRecordAll(['event-1', 'signature-2'])).toBe('duplicate');
		expect(memory.has('event-2')).toBe(false);
	});
});
