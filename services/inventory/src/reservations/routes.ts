import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '@mockmart/service-kit/db';
import type { InventoryAccess } from '../access.ts';
import { ReservationNotFound } from '../errors.ts';
import { commitReservation } from './commit-reservation.ts';
import { releaseReservation } from './release-reservation.ts';
import { reserveStock } from './reserve-stock.ts';
import { reverseReservation } from './reverse-reservation.ts';
import { findReservation } from './reservations-repository.ts';
import { orderParamsSchema, reservationSchema, reserveBodySchema } from '@mockmart/contracts/inventory';

export interface ReservationRoutesOptions {
  db: Database;
  access: InventoryAccess;
  defaultTtlSeconds: number;
  /** Runs before every call: the "slow" fault, then refuses work the caller's deadline leaves no time for. */
  beforeCall: (reply: FastifyReply) => Promise<void>;
  /** True when the "out-of-stock" fault applies to this reservation. */
  simulateOutOfStock: () => Promise<boolean>;
}

export async function reservationRoutes(
  fastify: FastifyInstance,
  options: ReservationRoutesOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, access, beforeCall } = options;
  const tags = ['reservations'];

  app.post(
    '/api/inventory/reservations',
    {
      config: { auth: access.reserve },
      schema: { tags, body: reserveBodySchema, response: { 200: reservationSchema, 201: reservationSchema } },
    },
    async (request, reply) => {
      await beforeCall(reply);
      const { created, reservation } = await reserveStock(
        { db, simulateOutOfStock: options.simulateOutOfStock },
        {
          orderId: request.body.orderId,
          items: request.body.items,
          ttlSeconds: request.body.ttlSeconds ?? options.defaultTtlSeconds,
          clientId: request.principal?.clientId ?? 'unknown',
        },
      );
      return reply.status(created ? 201 : 200).send(reservation);
    },
  );

  app.get(
    '/api/inventory/reservations/:orderId',
    {
      config: { auth: access.read },
      schema: { tags, params: orderParamsSchema, response: { 200: reservationSchema } },
    },
    async (request, reply) => {
      await beforeCall(reply);
      const reservation = await findReservation(db, request.params.orderId);
      if (!reservation) throw new ReservationNotFound(`No reservation for order ${request.params.orderId}`);
      return reservation;
    },
  );

  app.post(
    '/api/inventory/reservations/:orderId/commit',
    {
      config: { auth: access.reserve },
      schema: { tags, params: orderParamsSchema, response: { 200: reservationSchema } },
    },
    async (request, reply) => {
      await beforeCall(reply);
      return commitReservation(db, request.params.orderId);
    },
  );

  app.post(
    '/api/inventory/reservations/:orderId/release',
    {
      config: { auth: access.reserve },
      schema: { tags, params: orderParamsSchema, response: { 200: reservationSchema } },
    },
    async (request, reply) => {
      await beforeCall(reply);
      return releaseReservation(db, request.params.orderId, request.principal?.clientId ?? 'unknown');
    },
  );

  // Undoes a sale (the compensation of commit) for an order that failed after taking the stock.
  // Same role as commit and release: it only ever gives stock back, for the caller's own saga.
  app.post(
    '/api/inventory/reservations/:orderId/reverse',
    {
      config: { auth: access.reserve },
      schema: { tags, params: orderParamsSchema, response: { 200: reservationSchema } },
    },
    async (request, reply) => {
      await beforeCall(reply);
      return reverseReservation(db, request.params.orderId);
    },
  );
}
