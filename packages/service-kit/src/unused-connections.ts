import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';

/**
 * Closes, right before the listener does (Fastify runs preClose, then server.close()), every
 * connection a client opened and never sent a byte on. Node's closeIdleConnections(), which the
 * close runs, ends idle keep-alive connections but not these, and the listener's close then waited
 * for them until the shutdown timed out (exit 1). undici opens one after a request it aborted, so
 * one client giving up on one request could make the next shutdown fail.
 *
 * Only connections are followed, not requests: a connection that has read nothing has no request
 * in progress, so nothing is added to the path of a request.
 */
export function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const connections = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  app.addHook('preClose', (done) => {
    for (const socket of connections) if (socket.bytesRead === 0) socket.destroy();
    done();
  });
}
