/**
 * What a load balancer with a health check, or a Kubernetes readiness probe, puts in front of
 * n8n: requests are passed through, byte for byte, only while n8n's `/healthz/readiness` last
 * answered 200; otherwise they get 503, as from a balancer with no healthy backend. Polled like
 * a health check, and closed at once when n8n refuses or drops a forwarded request.
 */
import {
	createServer,
	request,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReadinessGate {
	/** The gate's address; paths are forwarded unchanged to the target. */
	baseUrl: string;
	/** How many requests the gate answered 503 itself because n8n was not ready. */
	refused: number;
	stop(): Promise<void>;
}

export async function startReadinessGate(
	target: string,
	options: { intervalMs?: number } = {},
): Promise<ReadinessGate> {
	const upstream = new URL(target);
	let open = false;
	let stopped = false;

	const check = () =>
		new Promise<boolean>((resolve) => {
			const probe = request(
				{ host: upstream.hostname, port: upstream.port, path: '/healthz/readiness', timeout: 1000 },
				(response) => {
					response.resume();
					resolve(response.statusCode === 200);
				},
			);
			probe.on('timeout', () => probe.destroy());
			probe.on('error', () => resolve(false));
			probe.end();
		});
	const poll = async () => {
		while (!stopped) {
			open = await check();
			await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
		}
	};

	const gate: ReadinessGate = {
		baseUrl: '',
		refused: 0,
		stop: async () => {
			stopped = true;
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			await polling;
		},
	};

	const refuse = (response: ServerResponse) => {
		gate.refused++;
		response.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
		response.end(JSON.stringify({ error: 'no ready n8n behind the gate' }));
	};

	const server: Server = createServer((incoming: IncomingMessage, response) => {
		if (!open) {
			incoming.resume();
			refuse(response);
			return;
		}
		const forwarded = request(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: incoming.method,
				path: incoming.url,
				headers: incoming.headers,
			},
			(answer) => {
				response.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(response);
			},
		);
		forwarded.on('error', () => {
			// n8n went away under the request: stop sending it more until it is ready again.
			open = false;
			if (!response.headersSent) refuse(response);
			else response.destroy();
		});
		incoming.pipe(forwarded);
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	gate.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	open = await check();
	const polling = poll();
	return gate;
}
