import { createServer } from 'node:net';

async function onePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
		});
	});
}

const handedOut = new Set<number>();

/**
 * Distinct loopback ports that were free a moment ago. The kernel may hand the same ephemeral
 * port out twice in a row once it is closed, so ports given to this process are not reused.
 */
export async function freePorts(count: number): Promise<number[]> {
	const ports: number[] = [];
	while (ports.length < count) {
		const port = await onePort();
		if (handedOut.has(port)) continue;
		handedOut.add(port);
		ports.push(port);
	}
	return ports;
}
