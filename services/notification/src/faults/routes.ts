import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Guard } from '@mockmart/auth';
import type { FaultSwitch } from './fault-switch.ts';
import { faultSettingSchema, faultStateSchema, type NotificationFaultMode } from './schemas.ts';

export interface FaultRoutesOptions {
  faults: FaultSwitch<NotificationFaultMode>;
  guard: Guard;
}

/** GET/PUT /api/faults — development only: app.ts does not register these in production. */
export async function faultRoutes(fastify: FastifyInstance, options: FaultRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { faults, guard } = options;

  app.get(
    '/api/faults',
    { config: { auth: guard }, schema: { tags: ['faults'], response: { 200: faultStateSchema } } },
    async () => faults.read(),
  );

  app.put(
    '/api/faults',
    {
      config: { auth: guard },
      schema: { tags: ['faults'], body: faultSettingSchema, response: { 200: faultStateSchema } },
    },
    async (request) => {
      const state = await faults.set(request.body, request.principal?.clientId ?? 'unknown');
      request.log.warn({ fault: state }, 'fault switch changed');
      return state;
    },
  );
}
