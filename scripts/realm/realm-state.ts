import type { RealmRepresentation } from './load-realm-file.ts';

/**
 * One shape for both sides of a diff: the realm file (desired) and the running realm (live),
 * keyed by name — clientId, client-scope name, role name — never by Keycloak's internal ids,
 * which differ between every Keycloak. `id`s are set on the live side only.
 */

/** `realm/<name>` or `client/<clientId>/<name>` (role names may hold ':', client ids never '/'). */
export const roleKey = (name: string, clientId?: string): string =>
  clientId === undefined ? `realm/${name}` : `client/${clientId}/${name}`;

export function parseRoleKey(key: string): { name: string; clientId?: string } {
  if (key.startsWith('realm/')) return { name: key.slice('realm/'.length) };
  const rest = key.slice('client/'.length);
  const slash = rest.indexOf('/');
  return { clientId: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

export interface MapperState {
  id?: string;
  name: string;
  protocol: string;
  protocolMapper: string;
  config: Record<string, string>;
}

export interface RoleState {
  id?: string;
  name: string;
  description?: string;
  /** Role keys this role contains. */
  composites: Set<string>;
}

export interface ClientState {
  id?: string;
  clientId: string;
  /** Every setting but the lists below (scalars, redirectUris, webOrigins, attributes). */
  settings: Record<string, unknown>;
  /** Resolved from the environment only when secrets are asked for; read live only then too. */
  secret?: string;
  roles: Map<string, RoleState>;
  defaultScopes: string[];
  optionalScopes: string[];
  mappers: MapperState[];
  /** Role keys of the client's role scope (scope mappings). */
  scopeMappings: Set<string>;
  /** Role keys mapped to the client's service-account user (undefined: no service account). */
  serviceAccountRoles?: Set<string>;
}

export interface ScopeState {
  id?: string;
  name: string;
  settings: Record<string, unknown>;
  mappers: MapperState[];
  scopeMappings: Set<string>;
}

export interface RealmState {
  name: string;
  /** Name of the realm's default role (`default-roles-<realm>` unless the realm says otherwise). */
  defaultRole: string;
  settings: Record<string, unknown>;
  realmRoles: Map<string, RoleState>;
  clients: Map<string, ClientState>;
  scopes: Map<string, ScopeState>;
}

/** Realm settings are the file's top-level plain values; lists and objects have their own state. */
export const plainFields = (rep: object, skip: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(rep).filter(
      ([k, v]) =>
        !skip.includes(k) &&
        (['string', 'number', 'boolean'].includes(typeof v) ||
          k === 'redirectUris' ||
          k === 'webOrigins' ||
          k === 'attributes'),
    ),
  );

export const CLIENT_SKIP = [
  'id',
  'secret',
  'defaultClientScopes',
  'optionalClientScopes',
  'protocolMappers',
  'access',
];

const mapperState = (m: {
  name?: string;
  protocol?: string;
  protocolMapper?: string;
  config?: Record<string, string>;
}): MapperState => ({
  name: m.name ?? '',
  protocol: m.protocol ?? 'openid-connect',
  protocolMapper: m.protocolMapper ?? '',
  config: { ...(m.config ?? {}) },
});

/** The desired state a realm file declares. */
export function desiredState(rep: RealmRepresentation): RealmState {
  const composites = (c: { realm?: string[]; client?: Record<string, string[]> } | undefined) =>
    new Set([
      ...(c?.realm ?? []).map((n) => roleKey(n)),
      ...Object.entries(c?.client ?? {}).flatMap(([clientId, names]) =>
        names.map((n) => roleKey(n, clientId)),
      ),
    ]);
  const realmRoles = new Map(
    (rep.roles?.realm ?? []).map((r) => [
      r.name as string,
      { name: r.name as string, description: r.description, composites: composites(r.composites) },
    ]),
  );
  const scopeMappingsOf = (holder: { client?: string; clientScope?: string }) => {
    const keys = new Set<string>();
    const same = (m: { client?: string; clientScope?: string }) =>
      holder.client !== undefined ? m.client === holder.client : m.clientScope === holder.clientScope;
    for (const m of rep.scopeMappings ?? []) if (same(m)) for (const r of m.roles ?? []) keys.add(roleKey(r));
    for (const [owner, list] of Object.entries(rep.clientScopeMappings ?? {}))
      for (const m of list) if (same(m)) for (const r of m.roles ?? []) keys.add(roleKey(r, owner));
    return keys;
  };
  const serviceAccounts = new Map(
    (rep.users ?? [])
      .filter((u) => u.serviceAccountClientId)
      .map((u) => [
        u.serviceAccountClientId as string,
        new Set([
          ...(u.realmRoles ?? []).map((n) => roleKey(n)),
          ...Object.entries(u.clientRoles ?? {}).flatMap(([c, names]) =>
            (names as string[]).map((n) => roleKey(n, c)),
          ),
        ]),
      ]),
  );
  const clients = new Map<string, ClientState>();
  for (const c of rep.clients ?? []) {
    const clientId = c.clientId as string;
    clients.set(clientId, {
      clientId,
      settings: plainFields(c, CLIENT_SKIP),
      secret: c.secret,
      roles: new Map(
        (rep.roles?.client?.[clientId] ?? []).map((r) => [
          r.name as string,
          { name: r.name as string, description: r.description, composites: composites(r.composites) },
        ]),
      ),
      defaultScopes: c.defaultClientScopes ?? [],
      optionalScopes: c.optionalClientScopes ?? [],
      mappers: (c.protocolMappers ?? []).map(mapperState),
      scopeMappings: scopeMappingsOf({ client: clientId }),
      serviceAccountRoles: c.serviceAccountsEnabled
        ? (serviceAccounts.get(clientId) ?? new Set())
        : undefined,
    });
  }
  const scopes = new Map<string, ScopeState>();
  for (const s of rep.clientScopes ?? []) {
    const name = s.name as string;
    scopes.set(name, {
      name,
      settings: plainFields(s, ['id', 'protocolMappers']),
      mappers: (s.protocolMappers ?? []).map(mapperState),
      scopeMappings: scopeMappingsOf({ clientScope: name }),
    });
  }
  return {
    name: rep.realm as string,
    defaultRole: rep.defaultRole?.name ?? `default-roles-${rep.realm}`,
    settings: plainFields(rep, ['id', 'realm']),
    realmRoles,
    clients,
    scopes,
  };
}

export { mapperState };

/**
 * The file's state for a realm whose default role has another name — a realm created under
 * another name than the file's has `default-roles-<its name>`: the file's default role is that one.
 */
export function withDefaultRole(state: RealmState, defaultRole: string): RealmState {
  const from = state.defaultRole;
  if (from === defaultRole) return state;
  const out = structuredClone(state);
  const [oldKey, newKey] = [roleKey(from), roleKey(defaultRole)];
  const rename = (keys: Set<string>) => {
    if (keys.delete(oldKey)) keys.add(newKey);
  };
  const role = out.realmRoles.get(from);
  out.realmRoles.delete(from);
  if (role) out.realmRoles.set(defaultRole, { ...role, name: defaultRole });
  for (const r of out.realmRoles.values()) rename(r.composites);
  for (const client of out.clients.values()) {
    for (const r of client.roles.values()) rename(r.composites);
    rename(client.scopeMappings);
    if (client.serviceAccountRoles) rename(client.serviceAccountRoles);
  }
  for (const scope of out.scopes.values()) rename(scope.scopeMappings);
  out.defaultRole = defaultRole;
  return out;
}
