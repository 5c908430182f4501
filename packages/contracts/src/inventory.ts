/**
 * inventory's contract (`aud: inventory-service`): stock levels and reservations. inventory
 * validates and serializes with these schemas; shop-api's inventory client reads their types.
 */
import { Type, type Static } from '@sinclair/typebox';
import { orderIdSchema } from './lib/order-ref.ts';
import { strictObject } from './lib/strict-object.ts';
import type { Endpoint } from './lib/endpoint.ts';

export { orderIdSchema };

export const MAX_QUERY_PRODUCTS = 100;
export const MAX_RESERVATION_ITEMS = 100;

/** Product ids are PostgreSQL `integer`s. */
export const MAX_PRODUCT_ID = 2_147_483_647;

export const productIdSchema = Type.Integer({ minimum: 1, maximum: MAX_PRODUCT_ID });

export const stockLevelSchema = Type.Object(
  {
    productId: Type.Integer(),
    onHand: Type.Integer(),
    reserved: Type.Integer(),
    available: Type.Integer(),
  },
  { title: 'stockLevel' },
);
export type StockLevel = Static<typeof stockLevelSchema>;

export const stockQuerySchema = strictObject({
  // A comma-separated list of product ids, bounded so a query cannot ask for everything twice over.
  productIds: Type.Optional(
    Type.String({ pattern: `^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9}){0,${MAX_QUERY_PRODUCTS - 1}}$` }),
  ),
});

export const stockListSchema = Type.Object({ items: Type.Array(stockLevelSchema) });
export type StockList = Static<typeof stockListSchema>;

export const productParamsSchema = strictObject({ productId: productIdSchema });

const units = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

export const adjustStockBodySchema = strictObject({
  onHand: units,
  // Optional so existing callers keep working; every admin screen should send it.
  expectedOnHand: Type.Optional({
    ...units,
    description:
      'the on-hand figure the caller read; the adjustment applies only if it still holds (else 409 INV_STOCK_CHANGED), so units sold meanwhile are not overwritten',
  }),
});
export type AdjustStockBody = Static<typeof adjustStockBodySchema>;

/** The extension members of 409 INV_STOCK_CHANGED. */
export const stockChangedSchema = Type.Object({
  productId: Type.Integer(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
});
export type StockChanged = Static<typeof stockChangedSchema>;

const reservationItemSchema = strictObject({
  productId: productIdSchema,
  quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
});
export type ReservationItem = Static<typeof reservationItemSchema>;

export const reserveBodySchema = strictObject({
  orderId: orderIdSchema,
  items: Type.Array(reservationItemSchema, { minItems: 1, maxItems: MAX_RESERVATION_ITEMS }),
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
});
export type ReserveBody = Static<typeof reserveBodySchema>;

export const orderParamsSchema = strictObject({ orderId: orderIdSchema });

export const reservationStatusSchema = Type.Union(
  [
    Type.Literal('held'),
    Type.Literal('committed'),
    Type.Literal('released'),
    Type.Literal('expired'),
    Type.Literal('reversed'),
  ],
  { title: 'reservationStatus' },
);
export type ReservationStatus = Static<typeof reservationStatusSchema>;

export const reservationSchema = Type.Object(
  {
    orderId: Type.String(),
    status: reservationStatusSchema,
    expiresAt: Type.String({ format: 'date-time' }),
    items: Type.Array(Type.Object({ productId: Type.Integer(), quantity: Type.Integer() })),
  },
  { title: 'reservation' },
);
export type Reservation = Static<typeof reservationSchema>;

/** The extension members of 409 INV_INSUFFICIENT_STOCK: every line that cannot be held. */
export const insufficientStockSchema = Type.Object({
  unavailable: Type.Array(
    Type.Object({ productId: Type.Integer(), requested: Type.Integer(), available: Type.Integer() }),
  ),
});
export type InsufficientStock = Static<typeof insufficientStockSchema>;
export type Unavailable = InsufficientStock['unavailable'][number];

/** The extension members of a 409 refusing to move a reservation: the state it really is in. */
export const reservationRefusedSchema = Type.Object({
  orderId: Type.String(),
  reservationStatus: reservationStatusSchema,
});
export type ReservationRefused = Static<typeof reservationRefusedSchema>;

const base = '/api/inventory';

export const inventoryEndpoints: readonly Endpoint[] = [
  {
    method: 'GET',
    path: `${base}/stock`,
    role: 'stock:read',
    query: stockQuerySchema,
    answers: [{ status: 200, body: stockListSchema }],
    notes: 'all products without `productIds`',
  },
  {
    method: 'POST',
    path: `${base}/reservations`,
    role: 'stock:reserve',
    body: reserveBodySchema,
    answers: [
      { status: 201, body: reservationSchema, when: "`status: 'held'`" },
      { status: 200, body: reservationSchema, when: 'the same items again for the `orderId`' },
      { status: 409, code: 'INV_RESERVATION_CONFLICT', when: 'other items for the `orderId`' },
      { status: 409, code: 'INV_INSUFFICIENT_STOCK', body: insufficientStockSchema },
    ],
    notes: 'idempotent per `orderId`; nothing held on refusal',
  },
  {
    method: 'GET',
    path: `${base}/reservations/:orderId`,
    role: 'stock:read',
    answers: [
      { status: 200, body: reservationSchema },
      { status: 404, code: 'INV_RESERVATION_NOT_FOUND' },
    ],
  },
  {
    method: 'POST',
    path: `${base}/reservations/:orderId/commit`,
    role: 'stock:reserve',
    answers: [
      { status: 200, body: reservationSchema, when: "`status: 'committed'`, again on a repeat" },
      {
        status: 409,
        code: 'INV_RESERVATION_RELEASED | INV_RESERVATION_EXPIRED | INV_RESERVATION_REVERSED',
        body: reservationRefusedSchema,
      },
    ],
    notes: 'idempotent',
  },
  {
    method: 'POST',
    path: `${base}/reservations/:orderId/release`,
    role: 'stock:reserve',
    answers: [
      {
        status: 200,
        body: reservationSchema,
        when: 'its real `status`: `released`, `expired` or `reversed`; `released` for an unknown order id, a tombstone',
      },
      {
        status: 409,
        code: 'INV_RESERVATION_COMMITTED',
        body: reservationRefusedSchema,
        when: 'committed: never "ok"',
      },
    ],
    notes: 'idempotent',
  },
  {
    method: 'POST',
    path: `${base}/reservations/:orderId/reverse`,
    role: 'stock:reserve',
    answers: [
      { status: 200, body: reservationSchema, when: "committed: units back on hand, `status: 'reversed'`" },
      { status: 409, code: 'INV_RESERVATION_NOT_COMMITTED', body: reservationRefusedSchema },
      { status: 404, code: 'INV_RESERVATION_NOT_FOUND' },
    ],
    notes: 'undoes a sale; idempotent',
  },
  {
    method: 'PUT',
    path: `${base}/stock/:productId`,
    role: 'stock:admin',
    body: adjustStockBodySchema,
    answers: [
      { status: 200, body: stockLevelSchema },
      {
        status: 409,
        code: 'INV_STOCK_CHANGED',
        body: stockChangedSchema,
        when: '`expectedOnHand` no longer holds',
      },
    ],
    notes: 'admin adjustment (shop-api calls it for an admin user)',
  },
];
