import http from 'node:http';
import type { Socket } from 'node:net';

/**
 * A loopback HTTP listener that can go away and come back on the same port, so clients see a
 * real ECONNREFUSED while it is down.
 */
export class Listener {
	private server: http.Server;
	private readonly sockets = new Set<Socket>();
	private boundPort = 0;
	private listening = false;

	constructor(private readonly handler: http.RequestListener) {
		this.server = this.create();
	}

	get port(): number {
		return this.boundPort;
	}

	get isUp(): boolean {
		return this.listening;
	}

	/** Listens on 127.0.0.1; port 0 (default) picks a free one. */
	async listen(port = 0): Promise<number> {
		if (this.listening) return this.boundPort;
		await new Promise<void>((resolve, reject) => {
			const onError = (error: Error): void => reject(error);
			this.server.once('error', onError);
			this.server.listen(port, '127.0.0.1', () => {
				this.server.off('error', onError);
				resolve();
			});
		});
		const address = this.server.address();
		this.boundPort = typeof address === 'object' && address ? address.port : port;
		this.listening = true;
		return this.boundPort;
	}

	/** Stops accepting connections and drops open ones. */
	async close(): Promise<void> {
		if (!this.listening) return;
		this.listening = false;
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await closed;
		// a closed http.Server cannot listen again with its old connections list, so start fresh
		this.server = this.create();
	}

	/** Comes back on the port it had before. */
	async reopen(): Promise<void> {
		await this.listen(this.boundPort);
	}

	private create(): http.Server {
		const server = http.createServer(this.handler);
		server.keepAliveTimeout = 1000;
		server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		return server;
	}
}
