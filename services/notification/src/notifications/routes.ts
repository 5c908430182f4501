import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '@mockmart/service-kit/db';
import type { NotificationAccess } from '../access.ts';
import { acceptNotification } from './accept-notification.ts';
import type { MailSender } from './mail-sender.ts';
import { listMailbox } from './notifications-repository.ts';
import {
  acceptedSchema,
  mailboxQuerySchema,
  mailboxSchema,
  notificationBodySchema,
} from '@mockmart/contracts/notification';

export interface NotificationRoutesOptions {
  db: Database;
  /** null: no SMTP configured, mails are only kept in the mailbox. */
  sender: MailSender | null;
  access: NotificationAccess;
  /** Runs first on every accepted event: the "timeout" and "invalid-email" faults. */
  beforeAccept: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Runs before rendering: the "slow-template" fault. */
  beforeRender: (userId: string) => Promise<void>;
}

export async function notificationRoutes(
  fastify: FastifyInstance,
  options: NotificationRoutesOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, access } = options;
  const tags = ['notifications'];

  app.post(
    '/api/notifications',
    {
      config: { auth: access.send },
      schema: { tags, body: notificationBodySchema, response: { 202: acceptedSchema } },
    },
    async (request, reply) => {
      await options.beforeAccept(request, reply);
      const result = await acceptNotification(
        { db, sender: options.sender, beforeRender: options.beforeRender },
        request.body,
        request.principal.clientId ?? request.principal.subject,
      );
      return reply.status(202).send(result);
    },
  );

  app.get(
    '/api/notifications/mailbox',
    {
      config: { auth: access.read },
      schema: { tags, querystring: mailboxQuerySchema, response: { 200: mailboxSchema } },
    },
    async (request) => ({
      items: await listMailbox(db, {
        orderId: request.query.orderId,
        userId: request.query.userId,
        limit: request.query.limit ?? 20,
      }),
    }),
  );
}
