import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import type { FaultSetting, FaultSwitch } from './fault-switch.ts';
import { faultSchemas } from './schemas.ts';

export interface FaultRoutesOptions {
  /** Any service's switch: the modes it lists are the only ones the PUT body accepts. */
  faults: FaultSwitch<string>;
  /**
   * Who may read and flip the switch: the route's `config.auth` (a guard of @mockmart/auth, e.g.
   * `requireServiceAccount({ clientRoles: { 'payment-service': ['faults:manage'] } })`). Required:
   * these routes are never public.
   */
  guard: object;
  /** Who flipped the switch, recorded as `updatedBy` (e.g. `(r) => r.principal.clientId`). */
  actor: (request: FastifyRequest) => string;
}

/**
 * GET/PUT /api/faults — development only. A disabled switch (production) registers nothing, so
 * the routes do not exist there whatever the app does; an enabled one gets its table here
 * (`faults.install()`), so a service ships no migration for it. Register after the auth plugin,
 * whose onRoute check then proves the guard is in force.
 */
export async function faultRoutes(app: FastifyInstance, options: FaultRoutesOptions): Promise<void> {
  const { faults, guard, actor } = options;
  if (!faults.enabled) return;
  if (typeof guard !== 'object' || guard === null) {
    throw new TypeError('faultRoutes needs a guard: the fault switch is never public');
  }
  await faults.install();
  // The kit does not depend on @mockmart/auth: the guard is opaque here, the auth plugin checks it.
  const config = { auth: guard } as unknown as FastifyContextConfig;
  const schemas = faultSchemas(faults.modes);

  app.get(
    '/api/faults',
    { config, schema: { tags: ['faults'], response: { 200: schemas.state } } },
    async () => faults.read(),
  );

  app.put<{ Body: FaultSetting<string> }>(
    '/api/faults',
    {
      config,
      schema: { tags: ['faults'], body: schemas.setting, response: { 200: schemas.state } },
    },
    async (request) => {
      const state = await faults.set(request.body, actor(request));
      request.log.warn({ fault: state }, 'fault switch changed');
      return state;
    },
  );
}
