import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Follows a server's connections and the requests in progress on each, so that a shutdown can close
 * every connection with none: idle keep-alive ones, and ones a client opened and never sent a
 * request on. Node's closeIdleConnections(), which the close runs, leaves the latter, and the
 * listener's close then waits for them until the shutdown times out (exit 1). undici opens such a
 * connection after a request it aborted, so one impatient caller made every later shutdown of the
 * service fail.
 */
export function followConnections(server: Server) {
  const requestsInProgress = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    requestsInProgress.set(socket, 0);
    socket.once('close', () => requestsInProgress.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    requestsInProgress.set(socket, (requestsInProgress.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = requestsInProgress.get(socket);
      if (left !== undefined) requestsInProgress.set(socket, left - 1);
    });
  });
  return {
    /** Destroys every connection with no request in progress; the others end after their answer. */
    closeUnused(): void {
      for (const [socket, requests] of requestsInProgress) if (requests === 0) socket.destroy();
    },
  };
}
