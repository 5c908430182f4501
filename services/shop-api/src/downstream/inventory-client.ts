import { StockChanged } from '../errors.ts';
import { contractBody, isSuccess, problemCode, unexpectedResponse, type DownstreamHttp } from './http.ts';
import {
  insufficientStockSchema,
  reservationRefusedSchema,
  reservationSchema,
  stockChangedSchema,
  stockLevelSchema,
  stockListSchema,
  type ReservationItem,
  type ReservationStatus,
  type StockLevel,
  type Unavailable,
} from '@mockmart/contracts/inventory';

export type { ReservationItem, ReservationStatus, StockLevel, Unavailable };

export type ReserveResult =
  | { ok: true }
  | { ok: false; reason: 'insufficient_stock'; unavailable: Unavailable[] }
  | { ok: false; reason: 'conflict' };

/** What inventory says it holds for an order after a release or reverse; 'none' when it has nothing. */
export type StockState = ReservationStatus | 'none';

/** Typed client of the inventory contract (CONTRIBUTING.md "inventory"). Throws when unreachable. */
export interface InventoryClient {
  getStock(productIds: readonly number[] | undefined, options?: { deadline?: number }): Promise<StockLevel[]>;
  reserve(
    orderId: string,
    items: readonly ReservationItem[],
    ttlSeconds: number,
    deadline?: number,
  ): Promise<ReserveResult>;
  getReservation(orderId: string, deadline?: number): Promise<{ status: ReservationStatus } | undefined>;
  /**
   * 'gone' when the hold was released, expired or reversed before we could commit it. Throws when
   * no answer came: the commit is then in doubt (inventory may have done it) — ask, never assume.
   */
  commit(orderId: string, deadline?: number): Promise<'committed' | 'gone'>;
  /** Gives a hold back; answers the reservation's real state ('committed': the sale stands). */
  release(orderId: string, deadline?: number): Promise<StockState>;
  /** Undoes a committed sale (units back on the shelf); answers the real state ('reversed' when done). */
  reverse(orderId: string, deadline?: number): Promise<StockState>;
  /**
   * Admin adjustment of on-hand stock (creates the stock row for a new product); uses `admin`.
   * With `expectedOnHand` it applies only if inventory still has that figure (else SHOP_STOCK_CHANGED).
   */
  setStock(productId: number, onHand: number, expectedOnHand?: number): Promise<StockLevel>;
  /** Raw pass-through for the admin views, with the checkout token (stock:read, stock:reserve). */
  http: DownstreamHttp;
  /** The same service with a `scope=inventory-admin` token (stock:admin only). */
  admin: DownstreamHttp;
  /** The same service with a `scope=inventory-faults` token (faults:manage only). */
  faults: DownstreamHttp;
}

export function createInventoryClient(
  http: DownstreamHttp,
  privileged: { admin: DownstreamHttp; faults: DownstreamHttp },
): InventoryClient {
  const base = '/api/inventory';
  const { admin, faults } = privileged;
  return {
    http,
    admin,
    faults,
    async getStock(productIds, options = {}) {
      const query = productIds ? { productIds: productIds.map(String).join(',') } : undefined;
      const res = await http.request({
        method: 'GET',
        path: `${base}/stock`,
        query,
        deadline: options.deadline,
      });
      if (!isSuccess(res.status)) throw unexpectedResponse('inventory', 'GET stock', res.status, res.body);
      return contractBody(stockListSchema, res.body, 'inventory', 'GET stock').items;
    },
    async reserve(orderId, items, ttlSeconds, deadline) {
      const res = await http.request({
        method: 'POST',
        path: `${base}/reservations`,
        body: { orderId, items, ttlSeconds },
        // The reservation is idempotent per orderId, so a retry after a lost answer is safe.
        idempotencyKey: `order-${orderId}-reserve`,
        deadline,
      });
      if (isSuccess(res.status)) return { ok: true };
      const code = problemCode(res.body);
      if (res.status === 409 && code === 'INV_INSUFFICIENT_STOCK') {
        const { unavailable } = contractBody(
          insufficientStockSchema,
          res.body,
          'inventory',
          'POST reservation',
        );
        return { ok: false, reason: 'insufficient_stock', unavailable };
      }
      if (res.status === 409) return { ok: false, reason: 'conflict' };
      throw unexpectedResponse('inventory', 'POST reservation', res.status, res.body);
    },
    async getReservation(orderId, deadline) {
      const res = await http.request({
        method: 'GET',
        path: `${base}/reservations/${encodeURIComponent(orderId)}`,
        deadline,
      });
      if (res.status === 404) return undefined;
      if (!isSuccess(res.status))
        throw unexpectedResponse('inventory', 'GET reservation', res.status, res.body);
      return { status: contractBody(reservationSchema, res.body, 'inventory', 'GET reservation').status };
    },
    async commit(orderId, deadline) {
      const res = await http.request({
        method: 'POST',
        path: `${base}/reservations/${encodeURIComponent(orderId)}/commit`,
        idempotencyKey: `order-${orderId}-commit`,
        deadline,
      });
      if (isSuccess(res.status)) return 'committed';
      if (res.status === 409 || res.status === 404) return 'gone';
      throw unexpectedResponse('inventory', 'POST commit', res.status, res.body);
    },
    async release(orderId, deadline) {
      const res = await http.request({
        method: 'POST',
        path: `${base}/reservations/${encodeURIComponent(orderId)}/release`,
        idempotencyKey: `order-${orderId}-release`,
        deadline,
      });
      if (isSuccess(res.status))
        return contractBody(reservationSchema, res.body, 'inventory', 'POST release').status;
      if (res.status === 404) return 'none';
      // A committed reservation is not released: the sale stands until it is reversed.
      if (res.status === 409 && problemCode(res.body) === 'INV_RESERVATION_COMMITTED') return 'committed';
      throw unexpectedResponse('inventory', 'POST release', res.status, res.body);
    },
    async reverse(orderId, deadline) {
      const res = await http.request({
        method: 'POST',
        path: `${base}/reservations/${encodeURIComponent(orderId)}/reverse`,
        idempotencyKey: `order-${orderId}-reverse`,
        deadline,
      });
      if (isSuccess(res.status))
        return contractBody(reservationSchema, res.body, 'inventory', 'POST reverse').status;
      if (res.status === 404) return 'none';
      if (res.status === 409 && problemCode(res.body) === 'INV_RESERVATION_NOT_COMMITTED')
        return contractBody(reservationRefusedSchema, res.body, 'inventory', 'POST reverse')
          .reservationStatus;
      throw unexpectedResponse('inventory', 'POST reverse', res.status, res.body);
    },
    async setStock(productId, onHand, expectedOnHand) {
      const res = await admin.request({
        method: 'PUT',
        path: `${base}/stock/${productId}`,
        body: expectedOnHand === undefined ? { onHand } : { onHand, expectedOnHand },
      });
      if (res.status === 409 && problemCode(res.body) === 'INV_STOCK_CHANGED') {
        const current = contractBody(stockChangedSchema, res.body, 'inventory', 'PUT stock').onHand;
        throw new StockChanged(
          `Product ${productId} has ${current} units on hand, not the ${expectedOnHand} expected; read it again`,
          { extensions: { productId, onHand: current } },
        );
      }
      if (!isSuccess(res.status)) throw unexpectedResponse('inventory', 'PUT stock', res.status, res.body);
      return contractBody(stockLevelSchema, res.body, 'inventory', 'PUT stock');
    },
  };
}
