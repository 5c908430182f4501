import Fastify from 'fastify';
import { authPlugin } from '@mockmart/auth/fastify';
import { requireServiceAccount, type AccessTokenVerifier } from '@mockmart/auth';

/** A small notification service: deduplicates by eventId, can fail the next N calls. */
export interface FakeNotification {
  url: string;
  /** Every POST that reached the handler, duplicates included. */
  received: { eventId: string; type: string; orderId: string; recipient: { email: string } }[];
  /** Applied once per eventId (what a customer would see). */
  sent: Map<string, unknown>;
  failuresLeft: number;
  close(): Promise<void>;
}

const role = (r: string) => requireServiceAccount({ clientRoles: { 'notification-service': [r] } });

export async function startFakeNotification(verifier: AccessTokenVerifier): Promise<FakeNotification> {
  const app = Fastify();
  const state: Omit<FakeNotification, 'url' | 'close'> = { received: [], sent: new Map(), failuresLeft: 0 };
  await app.register(authPlugin, { verifier });
  app.post('/api/notifications', { config: { auth: role('notifications:send') } }, async (request, reply) => {
    if (state.failuresLeft > 0) {
      state.failuresLeft--;
      return reply.code(503).send({ code: 'NOTIF_DOWN' });
    }
    const event = request.body as FakeNotification['received'][number];
    state.received.push(event);
    const deduplicated = state.sent.has(event.eventId);
    if (!deduplicated) state.sent.set(event.eventId, event);
    return reply.code(202).send({ notificationId: `n_${state.sent.size}`, deduplicated });
  });
  app.get('/api/notifications/mailbox', { config: { auth: role('notifications:read') } }, async (request) => {
    const orderId = (request.query as { orderId?: string }).orderId;
    return {
      items: [...state.sent.values()].filter(
        (e) => orderId === undefined || (e as { orderId: string }).orderId === orderId,
      ),
    };
  });
  app.get('/api/faults', { config: { auth: role('faults:manage') } }, async () => ({ mode: 'none' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  return Object.assign(state, { url: `http://127.0.0.1:${address.port}`, close: () => app.close() });
}
