import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type RoleRepresentation from '@keycloak/keycloak-admin-client/lib/defs/roleRepresentation.js';
import type { AdminSession } from './admin-session.ts';
import {
  CLIENT_SKIP,
  mapperState,
  plainFields,
  roleKey,
  type ClientState,
  type RealmState,
  type RoleState,
  type ScopeState,
} from './realm-state.ts';

type Mappings = {
  realmMappings?: RoleRepresentation[];
  clientMappings?: Record<string, { client?: string; mappings?: RoleRepresentation[] }>;
};

const keysOf = (m: Mappings): Set<string> =>
  new Set([
    ...(m.realmMappings ?? []).map((r) => roleKey(r.name as string)),
    ...Object.entries(m.clientMappings ?? {}).flatMap(([clientId, entry]) =>
      (entry.mappings ?? []).map((r) => roleKey(r.name as string, entry.client ?? clientId)),
    ),
  ]);

/**
 * The running realm through the Admin REST API, in the diff's shape: settings, realm roles with
 * composites, every client (settings, roles, scope lists, mappers, scope mappings, service-account
 * roles) and every client scope. With `withSecrets`, the clients' secrets are read (manage-clients)
 * so apply can tell whether a secret needs setting; they are never printed.
 */
export async function readLiveRealm(
  session: AdminSession,
  options: { withSecrets: boolean },
): Promise<RealmState | undefined> {
  const kc = await session.client();
  const rep = await kc.realms.findOne({ realm: session.realm });
  if (!rep) return undefined;

  const clientReps = await kc.clients.find({ max: 1000 });
  const clientIdById = new Map(clientReps.map((c) => [c.id as string, c.clientId as string]));
  const roleState = async (r: RoleRepresentation): Promise<RoleState> => ({
    id: r.id,
    name: r.name as string,
    description: r.description,
    composites: r.composite ? await compositesOf(kc, r.id as string, clientIdById) : new Set(),
  });

  const realmRoles = new Map<string, RoleState>();
  for (const r of await kc.roles.find()) realmRoles.set(r.name as string, await roleState(r));

  const clients = new Map<string, ClientState>();
  for (const c of clientReps) {
    const id = c.id as string;
    const clientId = c.clientId as string;
    const roles = new Map<string, RoleState>();
    for (const r of await kc.clients.listRoles({ id })) roles.set(r.name as string, await roleState(r));
    let serviceAccountRoles: Set<string> | undefined;
    if (c.serviceAccountsEnabled) {
      const user = await kc.clients.getServiceAccountUser({ id });
      serviceAccountRoles = keysOf((await kc.users.listRoleMappings({ id: user.id as string })) as Mappings);
    }
    clients.set(clientId, {
      id,
      clientId,
      settings: plainFields(c, CLIENT_SKIP),
      secret:
        options.withSecrets && !c.publicClient && !c.bearerOnly
          ? (await kc.clients.getClientSecret({ id })).value
          : undefined,
      roles,
      defaultScopes: (await kc.clients.listDefaultClientScopes({ id })).map((s) => s.name as string),
      optionalScopes: (await kc.clients.listOptionalClientScopes({ id })).map((s) => s.name as string),
      mappers: (await kc.clients.listProtocolMappers({ id })).map((m) => ({ ...mapperState(m), id: m.id })),
      scopeMappings: keysOf((await kc.clients.listScopeMappings({ id })) as Mappings),
      serviceAccountRoles,
    });
  }

  const scopes = new Map<string, ScopeState>();
  for (const s of await kc.clientScopes.find()) {
    const id = s.id as string;
    scopes.set(s.name as string, {
      id,
      name: s.name as string,
      settings: plainFields(s, ['id', 'protocolMappers']),
      mappers: (await kc.clientScopes.listProtocolMappers({ id })).map((m) => ({
        ...mapperState(m),
        id: m.id,
      })),
      scopeMappings: keysOf((await kc.clientScopes.listScopeMappings({ id })) as Mappings),
    });
  }

  return {
    name: session.realm,
    defaultRole: rep.defaultRole?.name ?? `default-roles-${session.realm}`,
    settings: plainFields(rep, ['id', 'realm']),
    realmRoles,
    clients,
    scopes,
  };
}

async function compositesOf(
  kc: KcAdminClient,
  id: string,
  clientIdById: Map<string, string>,
): Promise<Set<string>> {
  const composites = await kc.roles.getCompositeRoles({ id });
  return new Set(
    composites.map((r) =>
      r.clientRole
        ? roleKey(r.name as string, clientIdById.get(r.containerId as string))
        : roleKey(r.name as string),
    ),
  );
}
