import { contractBody, isSuccess, problemCode, unexpectedResponse, type DownstreamHttp } from './http.ts';
import {
  chargeListSchema,
  chargeSchema,
  declinedSchema,
  refundSchema,
  voidResultSchema,
  type Charge,
  type ChargeBody,
  type NetState,
} from '@mockmart/contracts/payment';

export type { Charge, NetState };

/** What shop-api asks payment to charge. The order row keeps its method as text: payment validates it. */
export type ChargeRequest = Omit<ChargeBody, 'paymentMethod'> & { paymentMethod: string };

/** Whether some of the charge's money is still with us (a failing order must give it back). */
export function keepsMoney(state: NetState): boolean {
  return state === 'captured' || state === 'partially_refunded';
}

export type ChargeResult = { ok: true; chargeId: string } | { ok: false; reason: string; chargeId?: string };

/** What became of a charge request, once settled: it was made (with its net state now) or it never will be. */
export type SettledCharge =
  { status: 'charged'; chargeId: string; netState: NetState } | { status: 'voided' };

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
  ): Promise<{ refundId: string | undefined }>;
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
      if (isSuccess(res.status)) {
        const charge = contractBody(chargeSchema, res.body, 'payment', 'POST charge');
        // A replay finds the charge as it is now: money already given back is no payment.
        if (charge.netState !== 'captured')
          return { ok: false, reason: charge.netState, chargeId: charge.chargeId };
        return { ok: true, chargeId: charge.chargeId };
      }
      if (res.status === 402) {
        const body = contractBody(declinedSchema, res.body, 'payment', 'POST charge');
        return { ok: false, reason: body.reason, chargeId: body.chargeId };
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
      return contractBody(chargeListSchema, res.body, 'payment', 'GET charges').items;
    },
    async settle(orderId, idempotencyKey) {
      const res = await http.request({
        method: 'POST',
        path: `${base}/charges/void`,
        body: { orderId },
        idempotencyKey,
      });
      if (!isSuccess(res.status)) throw unexpectedResponse('payment', 'POST void', res.status, res.body);
      const body = contractBody(voidResultSchema, res.body, 'payment', 'POST void');
      return body.status === 'charged' && body.charge
        ? { status: 'charged', chargeId: body.charge.chargeId, netState: body.charge.netState }
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
      if (isSuccess(res.status))
        return { refundId: contractBody(refundSchema, res.body, 'payment', 'POST refund').refundId };
      // Refunded in full already (e.g. under another key): the money is back, which is all we want.
      if (res.status === 409 && problemCode(res.body) === 'PAY_ALREADY_REFUNDED')
        return { refundId: undefined };
      throw unexpectedResponse('payment', 'POST refund', res.status, res.body);
    },
  };
}
