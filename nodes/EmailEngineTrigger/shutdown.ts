/**
 * A server that has stopped listening still serves requests on connections that were open, and a
 * sender like EmailEngine keeps its connections alive. An execution started on one of them at
 * shutdown is answered 200 and then lost when the process exits before the execution is saved.
 * So a request that arrives after its server stopped listening is refused, and the sender tries
 * again once n8n is back. (n8n 2.41 leaves its listener open until the process exits, so there
 * this never fires; it covers hosts and versions that close the listener first.)
 */
interface ServerSide {
	socket?: { server?: { listening?: unknown } | null } | null;
}

/** True when the server that received the request has stopped listening for new connections. */
export function receivedDuringShutdown(request: unknown): boolean {
	const server = (request as ServerSide | null)?.socket?.server;
	return typeof server === 'object' && server !== null && server.listening === false;
}

export const SHUTDOWN_STATUS = 503;

export const SHUTDOWN_MESSAGE =
	'n8n is shutting down and started no execution; send the event again once it is back';
