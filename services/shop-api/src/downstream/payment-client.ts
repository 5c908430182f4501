import { isSuccess, problemCode, unexpectedResponse, type DownstreamHttp } from './http.ts';

export interface ChargeRequest {
  orderId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  customer: { userId: string; email?: string };
}

export interface Charge {
  chargeId: string;
  orderId: string;
  status: string;
  amount: number;
  currency: string;
  refundedAmount?: number;
}

export type ChargeResult = { ok: true; chargeId: string } | { ok: false; reason: string; chargeId?: string };

/** What became of a charge request, once settled: it was made (with its outcome) or it never will be. */
export type SettledCharge =
  { status: 'charged'; chargeId: string; succeeded: boolean } | { status: 'voided' };

/** Typed client of the payment contract (CONTRIBUTING.md "payment"). Throws when unreachable. */
export interface PaymentClient {
  charge(request: ChargeRequest, idempotencyKey: string, deadline?: number): Promise<ChargeResult>;
  listCharges(orderId: string): Promise<Charge[]>;
  /** Settles a charge request whose fate is unknown: its outcome, or a void so it can never land. */
  settle(orderId: string, idempotencyKey: string): Promise<SettledCharge>;
  refund(
    chargeId: string,
    reason: string,
    idempotencyKey: string,
    deadline?: number,
  ): Promise<{ refundId: string }>;
  /** Raw pass-through with the checkout token (payments:charge, payments:refund, payments:read). */
  http: DownstreamHttp;
  /** The same service with a `scope=payment-faults` token (faults:manage only). */
  faults: DownstreamHttp;
}

export function createPaymentClient(
  http: DownstreamHttp,
  privileged: { faults: DownstreamHttp },
): PaymentClient {
  const base = '/api/payments';
  return {
    http,
    faults: privileged.faults,
    async charge(request, idempotencyKey, deadline) {
      const res = await http.request({
        method: 'POST',
        path: `${base}/charges`,
        body: request,
        idempotencyKey,
        deadline,
      });
      if (isSuccess(res.status)) return { ok: true, chargeId: (res.body as { chargeId: string }).chargeId };
      if (res.status === 402) {
        const body = res.body as { reason?: string; chargeId?: string };
        return {
          ok: false,
          reason: typeof body.reason === 'string' ? body.reason : 'declined',
          chargeId: body.chargeId,
        };
      }
      throw unexpectedResponse(
        'payment',
        `POST charge (${problemCode(res.body) ?? '-'})`,
        res.status,
        res.body,
      );
    },
    async listCharges(orderId) {
      const res = await http.request({ method: 'GET', path: `${base}/charges`, query: { orderId } });
      if (!isSuccess(res.status)) throw unexpectedResponse('payment', 'GET charges', res.status, res.body);
      return (res.body as { items: Charge[] }).items;
    },
    async settle(orderId, idempotencyKey) {
      const res = await http.request({
        method: 'POST',
        path: `${base}/charges/void`,
        body: { orderId },
        idempotencyKey,
      });
      if (!isSuccess(res.status)) throw unexpectedResponse('payment', 'POST void', res.status, res.body);
      const body = res.body as {
        status: 'voided' | 'charged';
        charge?: { chargeId: string; status: string };
      };
      return body.status === 'charged' && body.charge
        ? { status: 'charged', chargeId: body.charge.chargeId, succeeded: body.charge.status === 'succeeded' }
        : { status: 'voided' };
    },
    async refund(chargeId, reason, idempotencyKey, deadline) {
      const res = await http.request({
        method: 'POST',
        path: `${base}/charges/${encodeURIComponent(chargeId)}/refunds`,
        body: { reason },
        idempotencyKey,
        deadline,
      });
      if (isSuccess(res.status)) return { refundId: (res.body as { refundId: string }).refundId };
      throw unexpectedResponse('payment', 'POST refund', res.status, res.body);
    },
  };
}
