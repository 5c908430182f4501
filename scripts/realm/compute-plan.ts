import { fieldChanges, pick, prefixed } from './field-changes.ts';
import {
  BUILTIN_CLIENTS,
  BUILTIN_SCOPES,
  isBuiltinRealmRole,
  type Change,
  type Owner,
  type Payload,
  type Plan,
  type Step,
  type StepKind,
} from './plan-steps.ts';
import {
  withDefaultRole,
  type ClientState,
  type MapperState,
  type RealmState,
  type RoleState,
} from './realm-state.ts';

/**
 * What separates a running realm from the realm file, as ordered steps. The file is a statement
 * of what must hold: every field it states must have its value (fields it leaves out are left
 * alone), every object it names must exist, a client's redirect URIs, web origins and default /
 * optional client scopes are exactly the file's. Objects and grants the file does not mention are
 * removed only with `prune`; Keycloak's built-ins never.
 */

/** Safe order: what a step refers to exists before it; removals after every addition. */
const ORDER: [Step['action'][], StepKind][] = [
  [['update'], 'realm'],
  [['create', 'update'], 'realm-role'],
  [['create', 'update'], 'client-scope'],
  [['create', 'update'], 'client'],
  [['create', 'update'], 'client-role'],
  [['create', 'update'], 'mapper'],
  [['add', 'remove'], 'composites'],
  [['add', 'remove'], 'client-scopes'],
  [['add', 'remove'], 'scope-mappings'],
  [['add', 'remove'], 'service-account-roles'],
  [['set'], 'client-secret'],
  [['delete'], 'mapper'],
  [['delete'], 'client-role'],
  [['delete'], 'client'],
  [['delete'], 'client-scope'],
  [['delete'], 'realm-role'],
];
const rank = (s: Step) =>
  ORDER.findIndex(([actions, kind]) => kind === s.payload.kind && actions.includes(s.action));

export function computePlan(
  file: RealmState,
  live: RealmState | undefined,
  options: { prune: boolean },
): Plan {
  const desired = live ? withDefaultRole(file, live.defaultRole) : file;
  const steps: Step[] = [];
  let unchanged = 0;
  const counted = (changes: Change[]) => (changes.length === 0 ? (unchanged++, false) : true);
  const l: RealmState = live ?? {
    name: desired.name,
    defaultRole: desired.defaultRole,
    settings: {},
    realmRoles: new Map(),
    clients: new Map(),
    scopes: new Map(),
  };

  const realmChanges = fieldChanges(desired.settings, l.settings);
  if (counted(realmChanges))
    steps.push({
      action: 'update',
      target: `realm ${desired.name}`,
      changes: realmChanges,
      payload: { kind: 'realm', fields: pick(desired.settings, realmChanges) },
    });

  for (const role of desired.realmRoles.values()) {
    const current = l.realmRoles.get(role.name);
    roleSteps(steps, `realm-role ${role.name}`, role, current, { kind: 'realm-role', role }, counted);
  }
  if (options.prune)
    for (const role of l.realmRoles.values())
      if (!desired.realmRoles.has(role.name) && !isBuiltinRealmRole(role.name))
        steps.push({
          action: 'delete',
          target: `realm-role ${role.name}`,
          changes: [],
          payload: { kind: 'realm-role', role },
        });

  for (const scope of desired.scopes.values()) {
    const current = l.scopes.get(scope.name);
    const changes = current ? fieldChanges(scope.settings, current.settings) : [];
    if (!current)
      steps.push({
        action: 'create',
        target: `client-scope ${scope.name}`,
        changes: [],
        payload: { kind: 'client-scope', name: scope.name, settings: scope.settings },
      });
    else if (counted(changes))
      steps.push({
        action: 'update',
        target: `client-scope ${scope.name}`,
        changes,
        payload: { kind: 'client-scope', name: scope.name, settings: pick(scope.settings, changes) },
      });
    mapperSteps(
      steps,
      { type: 'client-scope', name: scope.name },
      scope.mappers,
      current?.mappers ?? [],
      options.prune,
      counted,
    );
    setSteps(
      steps,
      `scope-mappings of client-scope ${scope.name}`,
      scope.scopeMappings,
      current?.scopeMappings,
      options.prune,
      (keys) => ({ kind: 'scope-mappings', owner: { type: 'client-scope', name: scope.name }, keys }),
    );
  }
  if (options.prune)
    for (const scope of l.scopes.values())
      if (!desired.scopes.has(scope.name) && !BUILTIN_SCOPES.includes(scope.name))
        steps.push({
          action: 'delete',
          target: `client-scope ${scope.name}`,
          changes: [],
          payload: { kind: 'client-scope', name: scope.name, settings: {} },
        });

  for (const client of desired.clients.values())
    clientSteps(steps, client, l.clients.get(client.clientId), options.prune, counted);
  if (options.prune)
    for (const client of l.clients.values())
      if (!desired.clients.has(client.clientId) && !BUILTIN_CLIENTS.includes(client.clientId))
        steps.push({
          action: 'delete',
          target: `client ${client.clientId}`,
          changes: [],
          payload: {
            kind: 'client',
            clientId: client.clientId,
            settings: {},
            defaultScopes: [],
            optionalScopes: [],
          },
        });

  for (const role of desired.realmRoles.values())
    setSteps(
      steps,
      `composites of realm-role ${role.name}`,
      role.composites,
      l.realmRoles.get(role.name)?.composites,
      options.prune,
      (keys) => ({ kind: 'composites', role: `realm/${role.name}`, keys }),
    );

  steps.sort((a, b) => rank(a) - rank(b));
  return { realm: desired.name, createRealm: live === undefined, steps, unchanged };
}

function clientSteps(
  steps: Step[],
  client: ClientState,
  current: ClientState | undefined,
  prune: boolean,
  counted: (c: Change[]) => boolean,
): void {
  const target = `client ${client.clientId}`;
  const base = {
    clientId: client.clientId,
    defaultScopes: client.defaultScopes,
    optionalScopes: client.optionalScopes,
  };
  if (!current)
    steps.push({
      action: 'create',
      target,
      changes: [],
      payload: { kind: 'client', ...base, settings: client.settings },
    });
  else {
    const changes = fieldChanges(client.settings, current.settings);
    if (counted(changes))
      steps.push({
        action: 'update',
        target,
        changes,
        payload: { kind: 'client', ...base, settings: pick(client.settings, changes) },
      });
    // On create the scope lists travel with the client; afterwards they are assigned one by one.
    for (const list of ['default', 'optional'] as const) {
      const want = new Set(list === 'default' ? client.defaultScopes : client.optionalScopes);
      const have = new Set(list === 'default' ? current.defaultScopes : current.optionalScopes);
      // The lists are the file's exactly: an extra assignment is a setting of this client, not an object.
      setSteps(steps, `${list} client scopes of ${target}`, want, have, true, (scopes) => ({
        kind: 'client-scopes',
        clientId: client.clientId,
        list,
        scopes,
      }));
    }
  }
  for (const role of client.roles.values())
    roleSteps(
      steps,
      `client-role ${client.clientId}/${role.name}`,
      role,
      current?.roles.get(role.name),
      { kind: 'client-role', clientId: client.clientId, role },
      counted,
    );
  if (prune)
    for (const role of current?.roles.values() ?? [])
      if (!client.roles.has(role.name))
        steps.push({
          action: 'delete',
          target: `client-role ${client.clientId}/${role.name}`,
          changes: [],
          payload: { kind: 'client-role', clientId: client.clientId, role },
        });
  for (const role of client.roles.values())
    setSteps(
      steps,
      `composites of client-role ${client.clientId}/${role.name}`,
      role.composites,
      current?.roles.get(role.name)?.composites,
      prune,
      (keys) => ({ kind: 'composites', role: `client/${client.clientId}/${role.name}`, keys }),
    );
  mapperSteps(
    steps,
    { type: 'client', name: client.clientId },
    client.mappers,
    current?.mappers ?? [],
    prune,
    counted,
  );
  setSteps(
    steps,
    `scope-mappings of ${target}`,
    client.scopeMappings,
    current?.scopeMappings,
    prune,
    (keys) => ({ kind: 'scope-mappings', owner: { type: 'client', name: client.clientId }, keys }),
  );
  if (client.serviceAccountRoles)
    setSteps(
      steps,
      `service-account roles of ${target}`,
      client.serviceAccountRoles,
      current?.serviceAccountRoles,
      prune,
      (keys) => ({ kind: 'service-account-roles', clientId: client.clientId, keys }),
    );
  if (client.secret !== undefined && client.secret !== current?.secret)
    steps.push({
      action: 'set',
      target: `secret of ${target}`,
      changes: [{ field: 'secret', hidden: true }],
      payload: { kind: 'client-secret', clientId: client.clientId, secret: client.secret },
    });
}

function roleSteps(
  steps: Step[],
  target: string,
  role: RoleState,
  current: RoleState | undefined,
  payload: Payload,
  counted: (c: Change[]) => boolean,
): void {
  if (!current) {
    steps.push({ action: 'create', target, changes: [], payload });
    return;
  }
  const changes =
    role.description !== undefined && role.description !== current.description
      ? [{ field: 'description', before: current.description, after: role.description }]
      : [];
  if (counted(changes)) steps.push({ action: 'update', target, changes, payload });
}

function mapperSteps(
  steps: Step[],
  owner: Owner,
  desired: MapperState[],
  live: MapperState[],
  prune: boolean,
  counted: (c: Change[]) => boolean,
): void {
  for (const mapper of desired) {
    const target = `mapper ${owner.name}/${mapper.name}`;
    const current = live.find((m) => m.name === mapper.name);
    if (!current) {
      steps.push({ action: 'create', target, changes: [], payload: { kind: 'mapper', owner, mapper } });
      continue;
    }
    const changes = fieldChanges(
      { protocolMapper: mapper.protocolMapper, ...prefixed(mapper.config) },
      { protocolMapper: current.protocolMapper, ...prefixed(current.config) },
    );
    if (counted(changes))
      steps.push({
        action: 'update',
        target,
        changes,
        payload: {
          kind: 'mapper',
          owner,
          mapper: { ...mapper, id: current.id, config: { ...current.config, ...mapper.config } },
        },
      });
  }
  if (prune)
    for (const mapper of live)
      if (!desired.some((m) => m.name === mapper.name))
        steps.push({
          action: 'delete',
          target: `mapper ${owner.name}/${mapper.name}`,
          changes: [],
          payload: { kind: 'mapper', owner, mapper },
        });
}

/** Grants as sets of role keys (or scope names): what is missing is added; extras removed when `removeExtras`. */
function setSteps(
  steps: Step[],
  target: string,
  want: Set<string>,
  have: Set<string> | undefined,
  removeExtras: boolean,
  payload: (keys: string[]) => Payload,
): void {
  const missing = [...want].filter((k) => !have?.has(k));
  const extra = removeExtras ? [...(have ?? [])].filter((k) => !want.has(k)) : [];
  if (missing.length > 0)
    steps.push({
      action: 'add',
      target,
      changes: missing.map((k) => ({ field: k })),
      payload: payload(missing),
    });
  if (extra.length > 0)
    steps.push({
      action: 'remove',
      target,
      changes: extra.map((k) => ({ field: k })),
      payload: payload(extra),
    });
}
