import Fastify from 'fastify';
import { authPlugin } from '@mockmart/auth/fastify';
import { requireServiceAccount, type AccessTokenVerifier } from '@mockmart/auth';

export interface FakeCharge {
  chargeId: string;
  orderId: string;
  status: 'succeeded' | 'declined' | 'refunded';
  amount: number;
  currency: string;
  paymentMethod: string;
  createdAt: string;
}

/** A small payment service speaking the contract: idempotent charges, declines by rule, refunds. */
export interface FakePayment {
  url: string;
  charges: FakeCharge[];
  refunds: { refundId: string; chargeId: string; key: string }[];
  /** 'down': 503 without charging; 'lost-answer': charges, then answers 503 every time (outcome unknown to the caller);
   * 'lost-once': charges, answers 503 once, then behaves. */
  faults: Partial<
    Record<'charge' | 'list' | 'refund' | 'void', 'down' | 'slow' | 'lost-answer' | 'lost-once'>
  >;
  /** Keys voided by the caller: a charge with one of them is refused with 409. */
  voided: Set<string>;
  delayMs: number;
  calls: Record<string, number>;
  close(): Promise<void>;
}

const role = (r: string) => requireServiceAccount({ clientRoles: { 'payment-service': [r] } });

/**
 * A charge as payment's contract words it (`chargeSchema`): `status` is how the attempt ended,
 * `netState` what it is now. shop-api checks every answer against the contract.
 */
const view = (charge: FakeCharge) => ({
  ...charge,
  status: charge.status === 'refunded' ? 'succeeded' : charge.status,
  declineReason: charge.status === 'declined' ? 'card_declined' : null,
  refundedAmount: charge.status === 'refunded' ? charge.amount : 0,
  netState: charge.status === 'succeeded' ? 'captured' : charge.status,
});

export async function startFakePayment(verifier: AccessTokenVerifier): Promise<FakePayment> {
  const app = Fastify();
  const state: Omit<FakePayment, 'url' | 'close'> = {
    charges: [],
    refunds: [],
    voided: new Set(),
    faults: {},
    delayMs: 0,
    calls: {},
  };
  const byKey = new Map<string, { status: number; body: unknown; hash: string }>();
  await app.register(authPlugin, { verifier });

  app.post('/api/payments/charges', { config: { auth: role('payments:charge') } }, async (request, reply) => {
    state.calls.charge = (state.calls.charge ?? 0) + 1;
    if (state.faults.charge === 'slow') await new Promise((r) => setTimeout(r, state.delayMs));
    if (state.faults.charge === 'down') return reply.code(503).send({ code: 'PAY_DOWN' });
    const key = request.headers['idempotency-key'] as string;
    const body = request.body as { orderId: string; amount: number; currency: string; paymentMethod: string };
    const hash = JSON.stringify(body);
    const seen = byKey.get(key);
    if (state.faults.charge === 'lost-answer' && seen) return reply.code(503).send({ code: 'PAY_DOWN' });
    if (seen && seen.hash !== hash) return reply.code(422).send({ code: 'PAY_IDEMPOTENCY_MISMATCH' });
    if (seen)
      return reply.code(seen.status).send(seen.status === 201 ? view(seen.body as FakeCharge) : seen.body);
    if (state.voided.has(key)) return reply.code(409).send({ code: 'PAY_CHARGE_VOIDED' });
    const chargeId = `ch_${state.charges.length + 1}`;
    const declined = body.paymentMethod === 'test-decline';
    const charge: FakeCharge = {
      chargeId,
      orderId: body.orderId,
      status: declined ? 'declined' : 'succeeded',
      amount: body.amount,
      currency: body.currency,
      paymentMethod: body.paymentMethod,
      createdAt: new Date().toISOString(),
    };
    state.charges.push(charge);
    const answer = declined
      ? {
          status: 402,
          body: { code: 'PAY_DECLINED', reason: 'card_declined', chargeId, orderId: body.orderId },
        }
      : { status: 201, body: charge };
    byKey.set(key, { ...answer, hash });
    if (state.faults.charge === 'lost-answer') return reply.code(503).send({ code: 'PAY_DOWN' });
    if (state.faults.charge === 'lost-once') {
      delete state.faults.charge;
      return reply.code(503).send({ code: 'PAY_DOWN' });
    }
    return reply.code(answer.status).send(declined ? answer.body : view(charge));
  });
  app.post(
    '/api/payments/charges/void',
    { config: { auth: role('payments:charge') } },
    async (request, reply) => {
      state.calls.void = (state.calls.void ?? 0) + 1;
      if (state.faults.void === 'down') return reply.code(503).send({ code: 'PAY_DOWN' });
      const key = request.headers['idempotency-key'] as string;
      const seen = byKey.get(key);
      if (!seen) {
        state.voided.add(key);
        return { status: 'voided', netState: 'voided' };
      }
      const chargeId = (seen.body as { chargeId: string }).chargeId;
      const charge = view(state.charges.find((c) => c.chargeId === chargeId)!);
      return { status: 'charged', netState: charge.netState, charge };
    },
  );
  app.get('/api/payments/charges', { config: { auth: role('payments:read') } }, async (request, reply) => {
    state.calls.list = (state.calls.list ?? 0) + 1;
    if (state.faults.list === 'down') return reply.code(503).send({ code: 'PAY_DOWN' });
    const orderId = (request.query as { orderId?: string }).orderId;
    return { items: state.charges.filter((c) => c.orderId === orderId).map(view) };
  });
  app.post(
    '/api/payments/charges/:chargeId/refunds',
    { config: { auth: role('payments:refund') } },
    async (request, reply) => {
      state.calls.refund = (state.calls.refund ?? 0) + 1;
      if (state.faults.refund === 'down') return reply.code(503).send({ code: 'PAY_DOWN' });
      const key = request.headers['idempotency-key'] as string;
      const chargeId = (request.params as { chargeId: string }).chargeId;
      const charge = state.charges.find((c) => c.chargeId === chargeId);
      // A refund as the contract words it (`refundSchema`); the fake refunds charges in full.
      const answer = (refundId: string, found: FakeCharge) => ({
        refundId,
        chargeId,
        amount: found.amount,
        currency: found.currency,
        reason: (request.body as { reason: string }).reason,
        status: 'succeeded',
        netState: 'refunded',
        createdAt: new Date().toISOString(),
      });
      const existing = state.refunds.find((r) => r.key === key);
      if (existing && charge) return reply.code(201).send(answer(existing.refundId, charge));
      if (!charge) return reply.code(404).send({ code: 'PAY_CHARGE_NOT_FOUND' });
      if (charge.status === 'refunded') return reply.code(409).send({ code: 'PAY_ALREADY_REFUNDED' });
      charge.status = 'refunded';
      const refund = { refundId: `re_${state.refunds.length + 1}`, chargeId, key };
      state.refunds.push(refund);
      return reply.code(201).send(answer(refund.refundId, charge));
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
