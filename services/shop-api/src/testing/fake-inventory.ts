import Fastify, { type FastifyReply } from 'fastify';
import { authPlugin } from '@mockmart/auth/fastify';
import { requireServiceAccount, type AccessTokenVerifier } from '@mockmart/auth';

/** A small inventory service speaking the CONTRIBUTING.md contract, with switchable faults. */
export interface FakeInventory {
  url: string;
  stock: Map<number, { onHand: number; reserved: number }>;
  reservations: Map<
    string,
    {
      status: 'held' | 'committed' | 'released' | 'expired' | 'reversed';
      items: { productId: number; quantity: number }[];
    }
  >;
  /** Per operation: 'down' answers 503, 'slow' waits delayMs first. */
  /** 'lost-answer': does the work, then answers 503 (the caller cannot know it was done). */
  faults: Partial<
    Record<
      'stock' | 'reserve' | 'get' | 'commit' | 'release' | 'reverse' | 'adjust',
      'down' | 'slow' | 'lost-answer'
    >
  >;
  delayMs: number;
  calls: Record<string, number>;
  close(): Promise<void>;
}

const role = (r: string) => requireServiceAccount({ clientRoles: { 'inventory-service': [r] } });

export async function startFakeInventory(verifier: AccessTokenVerifier): Promise<FakeInventory> {
  const app = Fastify();
  const state: Omit<FakeInventory, 'url' | 'close'> = {
    stock: new Map(),
    reservations: new Map(),
    faults: {},
    delayMs: 0,
    calls: {},
  };
  for (let id = 1; id <= 10; id++) state.stock.set(id, { onHand: 100, reserved: 0 });
  const level = (productId: number) => {
    const s = state.stock.get(productId) ?? { onHand: 0, reserved: 0 };
    return { productId, onHand: s.onHand, reserved: s.reserved, available: s.onHand - s.reserved };
  };
  /** A reservation as inventory's contract words it (`reservationSchema`): shop-api checks it. */
  const reservation = (
    orderId: string,
    r: { status: string; items: { productId: number; quantity: number }[] },
  ) => ({ orderId, status: r.status, expiresAt: new Date(Date.now() + 60000).toISOString(), items: r.items });
  const orderIdOf = (request: { params: unknown }) => (request.params as { orderId: string }).orderId;
  // Answers 503 itself and returns true when the operation is switched 'down' (a boolean: a
  // Fastify reply is thenable, so it must not be returned through an await).
  const fault = async (op: keyof FakeInventory['faults'], reply: FastifyReply): Promise<boolean> => {
    state.calls[op] = (state.calls[op] ?? 0) + 1;
    if (state.faults[op] === 'slow') await new Promise((r) => setTimeout(r, state.delayMs));
    if (state.faults[op] !== 'down') return false;
    void reply.code(503).send({ code: 'INV_DOWN' });
    return true;
  };
  await app.register(authPlugin, { verifier });

  app.get('/api/inventory/stock', { config: { auth: role('stock:read') } }, async (request, reply) => {
    if (await fault('stock', reply)) return reply;
    const q = (request.query as { productIds?: string }).productIds;
    const ids = q ? q.split(',').map(Number) : [...state.stock.keys()];
    return { items: ids.filter((id) => state.stock.has(id)).map(level) };
  });
  app.post(
    '/api/inventory/reservations',
    { config: { auth: role('stock:reserve') } },
    async (request, reply) => {
      if (await fault('reserve', reply)) return reply;
      const body = request.body as { orderId: string; items: { productId: number; quantity: number }[] };
      const existing = state.reservations.get(body.orderId);
      if (existing) return reply.code(200).send(reservation(body.orderId, existing));
      const unavailable = body.items
        .filter((i) => level(i.productId).available < i.quantity)
        .map((i) => ({
          productId: i.productId,
          requested: i.quantity,
          available: Math.max(0, level(i.productId).available),
        }));
      if (unavailable.length > 0)
        return reply
          .code(409)
          .type('application/problem+json')
          .send({ code: 'INV_INSUFFICIENT_STOCK', status: 409, unavailable });
      for (const i of body.items) state.stock.get(i.productId)!.reserved += i.quantity;
      const held = { status: 'held' as const, items: body.items };
      state.reservations.set(body.orderId, held);
      return reply.code(201).send(reservation(body.orderId, held));
    },
  );
  app.get(
    '/api/inventory/reservations/:orderId',
    { config: { auth: role('stock:read') } },
    async (request, reply) => {
      if (await fault('get', reply)) return reply;
      const r = state.reservations.get(orderIdOf(request));
      return r
        ? reservation(orderIdOf(request), r)
        : reply.code(404).send({ code: 'INV_RESERVATION_NOT_FOUND' });
    },
  );
  app.post(
    '/api/inventory/reservations/:orderId/commit',
    { config: { auth: role('stock:reserve') } },
    async (request, reply) => {
      if (await fault('commit', reply)) return reply;
      const r = state.reservations.get((request.params as { orderId: string }).orderId);
      if (!r || (r.status !== 'held' && r.status !== 'committed'))
        return reply.code(409).send({ code: 'INV_RESERVATION_GONE', reservationStatus: r?.status });
      if (r.status === 'held') {
        for (const i of r.items) {
          const s = state.stock.get(i.productId)!;
          s.reserved -= i.quantity;
          s.onHand -= i.quantity;
        }
        r.status = 'committed';
      }
      if (state.faults.commit === 'lost-answer') return reply.code(503).send({ code: 'INV_DOWN' });
      return reservation(orderIdOf(request), r);
    },
  );
  app.post(
    '/api/inventory/reservations/:orderId/release',
    { config: { auth: role('stock:reserve') } },
    async (request, reply) => {
      if (await fault('release', reply)) return reply;
      const r = state.reservations.get((request.params as { orderId: string }).orderId);
      if (r?.status === 'committed')
        return reply.code(409).send({ code: 'INV_RESERVATION_COMMITTED', reservationStatus: 'committed' });
      if (r?.status === 'held') {
        for (const i of r.items) state.stock.get(i.productId)!.reserved -= i.quantity;
        r.status = 'released';
      }
      return reservation(orderIdOf(request), r ?? { status: 'released', items: [] });
    },
  );
  app.post(
    '/api/inventory/reservations/:orderId/reverse',
    { config: { auth: role('stock:reserve') } },
    async (request, reply) => {
      if (await fault('reverse', reply)) return reply;
      const r = state.reservations.get((request.params as { orderId: string }).orderId);
      if (!r) return reply.code(404).send({ code: 'INV_RESERVATION_NOT_FOUND' });
      if (r.status === 'committed') {
        for (const i of r.items) state.stock.get(i.productId)!.onHand += i.quantity;
        r.status = 'reversed';
      }
      if (r.status !== 'reversed')
        return reply.code(409).send({
          code: 'INV_RESERVATION_NOT_COMMITTED',
          orderId: orderIdOf(request),
          reservationStatus: r.status,
        });
      return reservation(orderIdOf(request), r);
    },
  );
  app.put(
    '/api/inventory/stock/:productId',
    { config: { auth: role('stock:admin') } },
    async (request, reply) => {
      if (await fault('adjust', reply)) return reply;
      const id = Number((request.params as { productId: string }).productId);
      const s = state.stock.get(id) ?? { onHand: 0, reserved: 0 };
      const body = request.body as { onHand: number; expectedOnHand?: number };
      if (body.expectedOnHand !== undefined && body.expectedOnHand !== s.onHand)
        return reply.code(409).type('application/problem+json').send({
          code: 'INV_STOCK_CHANGED',
          status: 409,
          productId: id,
          onHand: s.onHand,
          reserved: s.reserved,
        });
      s.onHand = body.onHand;
      state.stock.set(id, s);
      return level(id);
    },
  );
  let faultState: unknown = { mode: 'none' };
  app.get('/api/faults', { config: { auth: role('faults:manage') } }, async () => faultState);
  app.put(
    '/api/faults',
    { config: { auth: role('faults:manage') } },
    async (request) => (faultState = request.body),
  );

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  return Object.assign(state, { url: `http://127.0.0.1:${address.port}`, close: () => app.close() });
}
