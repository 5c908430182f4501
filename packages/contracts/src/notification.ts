/**
 * notification's contract (`aud: notification-service`): order mails and the mailbox. notification
 * validates and serializes with these schemas; shop-api's outbox and notification client read their types.
 */
import { Type, type Static } from '@sinclair/typebox';
import { strictObject } from './lib/strict-object.ts';
import type { Endpoint } from './lib/endpoint.ts';

const idSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' });

export const NOTIFICATION_TYPES = [
  'order.confirmed',
  'order.failed',
  'order.cancelled',
  'order.refunded',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const notificationBodySchema = strictObject({
  eventId: idSchema,
  type: Type.Union([
    Type.Literal('order.confirmed'),
    Type.Literal('order.failed'),
    Type.Literal('order.cancelled'),
    Type.Literal('order.refunded'),
  ]),
  orderId: idSchema,
  // Asserted by shop-api from the shopper's verified token. No e-mail (a user without one): the
  // mail is kept in the mailbox as undeliverable.
  recipient: strictObject({
    userId: Type.String({ minLength: 1, maxLength: 128 }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  }),
  // The order facts shop-api's outbox sends (shop-api's outbox/order-events.ts). Amounts
  // are read from the integer minor-unit fields; `total` (major units) is accepted but not used.
  data: Type.Optional(
    strictObject({
      orderId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), idSchema])),
      status: Type.Optional(Type.String({ maxLength: 32 })),
      total: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
      totalMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
      currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
      reason: Type.Optional(Type.String({ maxLength: 500 })),
      refundMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
      items: Type.Optional(
        Type.Array(
          strictObject({
            productName: Type.String({ minLength: 1, maxLength: 200 }),
            quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
            priceMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
          }),
          { maxItems: 100 },
        ),
      ),
    }),
  ),
});

export type NotificationBody = Static<typeof notificationBodySchema>;

export const acceptedSchema = Type.Object({
  notificationId: Type.String(),
  deduplicated: Type.Boolean(),
});
export type Accepted = Static<typeof acceptedSchema>;

export const mailboxQuerySchema = strictObject({
  orderId: Type.Optional(idSchema),
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

export const mailSchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  type: Type.String(),
  to: Type.Union([Type.String(), Type.Null()]),
  subject: Type.String(),
  text: Type.String(),
  html: Type.Union([Type.String(), Type.Null()]),
  orderId: Type.String(),
  userId: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('sent'),
    Type.Literal('stored'),
    Type.Literal('failed'),
    Type.Literal('undeliverable'),
    Type.Literal('dead'),
  ]),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const mailboxSchema = Type.Object({ items: Type.Array(mailSchema) });
export type Mailbox = Static<typeof mailboxSchema>;

export const notificationEndpoints: readonly Endpoint[] = [
  {
    method: 'POST',
    path: '/api/notifications',
    role: 'notifications:send',
    body: notificationBodySchema,
    answers: [{ status: 202, body: acceptedSchema }],
    notes: 'deduplicated by `eventId` (a replay never sends twice)',
  },
  {
    method: 'GET',
    path: '/api/notifications/mailbox',
    role: 'notifications:read',
    query: mailboxQuerySchema,
    answers: [{ status: 200, body: mailboxSchema }],
  },
];
