// shop-api acts on another service's answer only when it is what the contract says: a body outside
// it is a 502 (SHOP_UPSTREAM_REJECTED) naming the mismatch, never a cast that lets garbage through.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DownstreamHttp, DownstreamResponse } from './http.ts';
import { createInventoryClient } from './inventory-client.ts';
import { createNotificationClient } from './notification-client.ts';
import { createPaymentClient } from './payment-client.ts';

/** A downstream that gives every request the same answer. */
const answering = (status: number, body: unknown): DownstreamHttp => ({
  request: async (): Promise<DownstreamResponse> => ({ status, body }),
});
const inventory = (status: number, body: unknown) => {
  const http = answering(status, body);
  return createInventoryClient(http, { admin: http, faults: http });
};
const payment = (status: number, body: unknown) => {
  const http = answering(status, body);
  return createPaymentClient(http, { faults: http });
};
const notification = (status: number, body: unknown) => {
  const http = answering(status, body);
  return createNotificationClient(http, { admin: http, faults: http });
};

const ORDER = 'order-1';
const CHARGE = {
  chargeId: 'ch_1',
  orderId: ORDER,
  status: 'succeeded',
  amount: 1000,
  currency: 'EUR',
  paymentMethod: 'credit-card',
  declineReason: null,
  refundedAmount: 0,
  netState: 'captured',
  createdAt: '2026-12-07T10:00:00.000Z',
};
const RESERVATION = {
  orderId: ORDER,
  status: 'released',
  expiresAt: '2026-12-07T10:10:00.000Z',
  items: [{ productId: 1, quantity: 2 }],
};
const REFUND = {
  refundId: 're_1',
  chargeId: 'ch_1',
  amount: 1000,
  currency: 'EUR',
  reason: 'r',
  status: 'succeeded',
  netState: 'refunded',
  createdAt: '2026-12-07T10:05:00.000Z',
};
const REQUEST = {
  orderId: ORDER,
  amount: 1000,
  currency: 'EUR',
  paymentMethod: 'credit-card',
  customer: { userId: 'u' },
};
const EVENT = { eventId: 'e-1', type: 'order.confirmed', to: 'mario@example.com', orderId: ORDER, data: {} };

/** Rejected as a 502 whose message says the answer was outside the contract, and where. */
const outsideContract = (where: RegExp) => ({
  status: 502,
  code: 'SHOP_UPSTREAM_REJECTED',
  message: new RegExp(`answered outside its contract \\(${where.source}`),
});

describe('downstream answers are checked against the contracts', () => {
  test('answers that fit are read', async () => {
    assert.deepEqual(await payment(201, CHARGE).charge(REQUEST, 'k', undefined), {
      ok: true,
      chargeId: 'ch_1',
    });
    assert.deepEqual(
      await payment(402, {
        code: 'PAY_DECLINED',
        reason: 'card_declined',
        chargeId: 'ch_2',
        orderId: ORDER,
      }).charge(REQUEST, 'k'),
      { ok: false, reason: 'card_declined', chargeId: 'ch_2' },
    );
    assert.equal(await inventory(200, RESERVATION).release(ORDER), 'released');
    assert.deepEqual(await payment(201, REFUND).refund('ch_1', 'r', 'k'), { refundId: 're_1' });
    assert.deepEqual(
      await inventory(200, { items: [{ productId: 1, onHand: 5, reserved: 1, available: 4 }] }).getStock([1]),
      [{ productId: 1, onHand: 5, reserved: 1, available: 4 }],
    );
    assert.deepEqual(
      await notification(202, { notificationId: 'n_1', deduplicated: true }).send(EVENT as never),
      {
        delivered: true,
        deduplicated: true,
      },
    );
  });

  test('a charge answer without its net state is refused, not taken for a payment', async () => {
    const { netState: _dropped, ...partial } = CHARGE;
    await assert.rejects(payment(201, partial).charge(REQUEST, 'k'), outsideContract(/\/netState/));
    await assert.rejects(
      payment(201, { ...CHARGE, amount: '1000' }).charge(REQUEST, 'k'),
      outsideContract(/\/amount/),
    );
  });

  test('a decline without its charge id is refused (the saga then settles the charge by voiding it)', async () => {
    await assert.rejects(
      payment(402, { code: 'PAY_DECLINED', reason: 'card_declined' }).charge(REQUEST, 'k'),
      outsideContract(/\/chargeId/),
    );
  });

  test('void, refund and charge listings are checked too', async () => {
    await assert.rejects(
      payment(200, { status: 'charged', netState: 'maybe' }).settle(ORDER, 'k'),
      outsideContract(/\/netState/),
    );
    await assert.rejects(
      payment(201, { ...REFUND, refundId: 7 }).refund('ch_1', 'r', 'k'),
      outsideContract(/\/refundId/),
    );
    await assert.rejects(
      payment(200, { items: [{ chargeId: 'ch_1' }] }).listCharges(ORDER),
      outsideContract(/\/items\/0/),
    );
  });

  test('stock figures and reservation states that are not numbers or known states are refused', async () => {
    await assert.rejects(
      inventory(200, { items: [{ productId: 1, onHand: 'lots', reserved: 0, available: 0 }] }).getStock([1]),
      outsideContract(/\/items\/0\/onHand/),
    );
    await assert.rejects(
      inventory(200, { ...RESERVATION, status: 'gone-fishing' }).getReservation(ORDER),
      outsideContract(/\/status/),
    );
    await assert.rejects(
      inventory(409, {
        code: 'INV_RESERVATION_NOT_COMMITTED',
        orderId: ORDER,
        reservationStatus: 'unknown',
      }).reverse(ORDER),
      outsideContract(/\/reservationStatus/),
    );
    await assert.rejects(
      inventory(409, { code: 'INV_INSUFFICIENT_STOCK', unavailable: 'everything' }).reserve(
        ORDER,
        [{ productId: 1, quantity: 1 }],
        60,
      ),
      outsideContract(/\/unavailable/),
    );
    await assert.rejects(inventory(200, { productId: 1 }).setStock(1, 5), outsideContract(/\/onHand/));
  });

  test('an accepted notification without its id is refused (the outbox retries it)', async () => {
    await assert.rejects(
      notification(202, { deduplicated: false }).send(EVENT as never),
      outsideContract(/\/notificationId/),
    );
  });
});
