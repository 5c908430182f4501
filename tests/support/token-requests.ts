/**
 * How many tokens a client asked the identity provider for, on either side: the embedded idp
 * counts them itself (its operator stats endpoint); Keycloak records a CLIENT_LOGIN event per
 * client-credentials grant (the realm has events on), read through the Admin REST API.
 */
import type { TestSystem } from './system.ts';

export interface TokenRequestCounter {
  /** Starts counting from now. */
  reset(): Promise<void>;
  /** Client-credentials token requests of `clientId` with `scope` since the reset. */
  count(clientId: string, scope: string): Promise<number>;
  /** All client-credentials token requests of `clientId` since the reset. */
  total(clientId: string): Promise<number>;
}

interface Grant {
  /** The scopes asked for (idp) or granted (Keycloak: the asked-for one plus the default scopes). */
  scopes: string[];
  requests: number;
}

export function tokenRequests(system: TestSystem): TokenRequestCounter {
  const grants = system.keycloakAdmin ? keycloakGrants(system) : idpGrants(system);
  return {
    reset: grants.reset,
    count: async (clientId, scope) =>
      sum((await grants.since(clientId)).filter((grant) => grant.scopes.includes(scope))),
    total: async (clientId) => sum(await grants.since(clientId)),
  };
}

const sum = (grants: Grant[]) => grants.reduce((n, grant) => n + grant.requests, 0);

function idpGrants(system: TestSystem) {
  const stats = `${system.urls.idp}/auth/idp-admin/stats`;
  return {
    async reset() {
      const response = await fetch(`${stats}/reset`, { method: 'POST' });
      await response.body?.cancel();
      if (response.status !== 204) throw new Error(`idp stats reset: HTTP ${response.status}`);
    },
    async since(clientId: string): Promise<Grant[]> {
      const response = await fetch(stats);
      if (!response.ok) throw new Error(`idp stats: HTTP ${response.status}`);
      const { tokenRequests: rows } = (await response.json()) as {
        tokenRequests: { clientId: string; grantType: string; scope?: string; requests: number }[];
      };
      return rows
        .filter((row) => row.clientId === clientId && row.grantType === 'client_credentials')
        .map((row) => ({ scopes: (row.scope ?? '').split(' '), requests: row.requests }));
    },
  };
}

function keycloakGrants(system: TestSystem) {
  const admin = system.keycloakAdmin!;
  let from = 0;
  return {
    async reset() {
      from = Date.now();
    },
    async since(clientId: string): Promise<Grant[]> {
      const events = await admin.request<{ time: number; details?: Record<string, string> }[]>(
        'GET',
        `/${system.realm}/events?type=CLIENT_LOGIN&client=${encodeURIComponent(clientId)}&max=10000`,
      );
      return events
        .filter((event) => event.time >= from && event.details?.grant_type === 'client_credentials')
        .map((event) => ({ scopes: (event.details?.scope ?? '').split(' '), requests: 1 }));
    },
  };
}
