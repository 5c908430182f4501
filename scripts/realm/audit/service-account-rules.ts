import { parseRoleKey } from '../realm-state.ts';
import { isDevelopment, ownClients, type AuditRule } from './audit-context.ts';

export const serviceAccountRules: AuditRule[] = [
  {
    id: 'least-privilege-service-accounts',
    title:
      'service accounts hold only the client roles they call with, and their tokens only what a scope asks for',
    fix: 'set fullScopeAllowed: false on service-account clients; remove realm roles (other than default-roles-*) and realm-management roles from service accounts; no faults:manage in production',
    check: (ctx) => {
      const failures: string[] = [];
      for (const client of ownClients(ctx)) {
        if (!client.serviceAccountRoles) continue;
        if (client.settings.fullScopeAllowed !== false)
          failures.push(`${client.clientId}: fullScopeAllowed is on`);
        for (const key of client.serviceAccountRoles) {
          const { name, clientId } = parseRoleKey(key);
          if (clientId === undefined && !name.startsWith('default-roles-'))
            failures.push(`${client.clientId}: service account holds realm role ${name}`);
          if (clientId === 'realm-management' && client.clientId !== ctx.adminClientId)
            failures.push(`${client.clientId}: service account holds realm-management ${name}`);
          if (name === 'faults:manage' && !isDevelopment(ctx.env))
            failures.push(
              `${client.clientId}: service account holds ${clientId}/faults:manage outside development`,
            );
        }
      }
      return failures;
    },
  },
];
