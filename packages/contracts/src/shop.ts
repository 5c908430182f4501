/**
 * The views shop-api answers the UI with: a product, an order, a checkout's answer. shop-api
 * serializes with these schemas; the UI imports their types only (`import type`), so no TypeBox
 * reaches the browser bundle.
 */
import { Type, type Static } from '@sinclair/typebox';

export const AvailabilitySchema = Type.Union([
  Type.Literal('in_stock'),
  Type.Literal('low_stock'),
  Type.Literal('out_of_stock'),
  Type.Literal('unknown'),
]);
export type Availability = Static<typeof AvailabilitySchema>;

export const ProductSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    description: Type.String(),
    category: Type.String(),
    icon: Type.String({ description: 'emoji of the category, shown when there is no image' }),
    image: Type.Union([Type.String(), Type.Null()], {
      description: 'absolute https URL or null (then show the icon)',
    }),
    price: Type.Number({
      description: 'major units (899.99), for display and parity; derived from priceMinor',
    }),
    priceMinor: Type.Integer({ description: 'integer minor units (89999)' }),
    currency: Type.String({ description: 'ISO 4217, e.g. EUR' }),
    stock: Type.Union([Type.Integer(), Type.Null()], {
      description: 'units available now (from inventory); null when unknown',
    }),
    availability: AvailabilitySchema,
  },
  { additionalProperties: false },
);
export type Product = Static<typeof ProductSchema>;

const line = (maxLength: number, pattern = '\\S') => Type.String({ minLength: 1, maxLength, pattern });

export const ShippingAddressSchema = Type.Object(
  {
    firstName: line(80),
    lastName: line(80),
    address: line(200),
    city: line(100),
    zipCode: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{1,10}[A-Za-z0-9]$',
      description: 'postal code, 3-12 letters, digits, spaces or dashes',
    }),
    phone: Type.String({
      pattern: '^\\+?[0-9][0-9 ().-]{5,23}$',
      description: 'phone number, digits with optional +, spaces, dots, dashes, parentheses',
    }),
  },
  { additionalProperties: false },
);
export type ShippingAddress = Static<typeof ShippingAddressSchema>;

export const ORDER_STATUSES = [
  'pending',
  'reserved',
  'paid',
  'refunding',
  'confirmed',
  'failed',
  'cancelled',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const OrderStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('reserved'),
  Type.Literal('paid'),
  Type.Literal('refunding'),
  Type.Literal('confirmed'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
  Type.Literal('refunded'),
]);

export const OrderItemSchema = Type.Object(
  {
    productId: Type.Integer(),
    productName: Type.String(),
    quantity: Type.Integer(),
    price: Type.Number({ description: 'unit price, major units (parity)' }),
    priceMinor: Type.Integer({ description: 'unit price, minor units' }),
    lineTotalMinor: Type.Integer(),
  },
  { additionalProperties: false },
);
export type OrderItem = Static<typeof OrderItemSchema>;

export const UnavailableLineSchema = Type.Object(
  {
    productId: Type.Integer(),
    productName: Type.String(),
    requested: Type.Integer(),
    available: Type.Integer(),
  },
  { additionalProperties: false },
);
export type UnavailableLine = Static<typeof UnavailableLineSchema>;

export const OrderSchema = Type.Object(
  {
    id: Type.Integer(),
    userId: Type.String(),
    status: OrderStatusSchema,
    statusReason: Type.Union([Type.String(), Type.Null()], {
      description: 'machine reason of failed/cancelled/refunded: out_of_stock, payment_declined, …',
    }),
    statusDetail: Type.Union([Type.String(), Type.Null()]),
    items: Type.Array(OrderItemSchema),
    total: Type.Number({ description: 'major units (parity)' }),
    totalMinor: Type.Integer(),
    currency: Type.String(),
    shippingAddress: ShippingAddressSchema,
    paymentMethod: Type.String(),
    paymentTransactionId: Type.Union([Type.String(), Type.Null()], {
      description: 'charge id at the payment service',
    }),
    unavailable: Type.Union([Type.Array(UnavailableLineSchema), Type.Null()]),
    history: Type.Array(
      Type.Object(
        { status: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), at: Type.String() },
        { additionalProperties: false },
      ),
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type OrderView = Static<typeof OrderSchema>;

export const CheckoutResponse = Type.Object(
  { success: Type.Literal(true), order: OrderSchema },
  { additionalProperties: false },
);
export type CheckoutResponse = Static<typeof CheckoutResponse>;

/**
 * The extension members of a checkout's problem answer (402 / 409 / 503) once its order exists:
 * the order's id and status (`orderStatus`, never `status`: that is the problem's HTTP status).
 */
export const CheckoutProblemSchema = Type.Object({
  orderId: Type.Integer(),
  orderStatus: OrderStatusSchema,
  reason: Type.Optional(Type.String()),
  unavailable: Type.Optional(Type.Array(UnavailableLineSchema)),
});
export type CheckoutProblem = Static<typeof CheckoutProblemSchema>;
