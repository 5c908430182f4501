import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { clientScopesRoutes } from './client-scopes-routes.ts';
import { clientsRoutes } from './clients-routes.ts';
import { clientsWriteRoutes } from './clients-write-routes.ts';
import { protocolMappersRoutes } from './protocol-mappers-routes.ts';
import { realmRoutes } from './realm-routes.ts';
import { roleCompositesRoutes } from './role-composites-routes.ts';
import { roleDeleteRoutes } from './role-delete-routes.ts';
import { rolesRoutes } from './roles-routes.ts';
import { scopeMappingsRoutes } from './scope-mappings-routes.ts';
import { usersRoutes } from './users-routes.ts';

/**
 * The Admin REST subset (see README): realm settings, users, clients, client scopes and their
 * protocol mappers, realm and client roles with composites, scope mappings and role mappings.
 */
export function adminRestRoutes(app: FastifyInstance, ctx: IdpContext): void {
  realmRoutes(app, ctx);
  usersRoutes(app, ctx);
  clientsRoutes(app, ctx);
  clientsWriteRoutes(app, ctx);
  clientScopesRoutes(app, ctx);
  protocolMappersRoutes(app, ctx);
  scopeMappingsRoutes(app, ctx);
  rolesRoutes(app, ctx);
  roleCompositesRoutes(app, ctx);
  roleDeleteRoutes(app, ctx);
}
