import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type { AdminSession } from './admin-session.ts';
import type { Owner, Plan, Step } from './plan-steps.ts';
import { parseRoleKey } from './realm-state.ts';

type Kc = KcAdminClient;
type RoleRef = { id: string; name: string };

/**
 * Carries out a plan's steps in their (safe) order through the Admin REST API. Internal ids are
 * looked up by name at the moment a step runs, since earlier steps create what later ones refer to.
 * Stops at the first refused call; what ran before it stays, and a new apply continues from there.
 */
export async function applyPlan(
  session: AdminSession,
  plan: Plan,
  onStep: (step: Step) => void = () => {},
): Promise<void> {
  if (plan.createRealm) await (await session.client()).realms.create({ realm: plan.realm, enabled: true });
  for (const step of plan.steps) {
    const kc = await session.client();
    try {
      await runStep(kc, step);
    } catch (error) {
      const status = (error as { response?: { status?: number } }).response?.status;
      throw new Error(
        `${step.action} ${step.target} failed${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    onStep(step);
  }
}

async function runStep(kc: Kc, step: Step): Promise<void> {
  const p = step.payload;
  const { action } = step;
  switch (p.kind) {
    case 'realm':
      return kc.realms.update({ realm: kc.realmName }, p.fields);
    case 'realm-role': {
      const { name, description } = p.role;
      if (action === 'create') return void (await kc.roles.create({ name, description }));
      if (action === 'update') return kc.roles.updateByName({ name }, { name, description });
      return kc.roles.delByName({ name });
    }
    case 'client-scope': {
      if (action === 'create') return void (await kc.clientScopes.create({ name: p.name, ...p.settings }));
      const id = await scopeId(kc, p.name);
      if (action === 'update') return kc.clientScopes.update({ id }, { name: p.name, ...p.settings });
      return kc.clientScopes.del({ id });
    }
    case 'client': {
      if (action === 'create')
        return void (await kc.clients.create({
          clientId: p.clientId,
          ...p.settings,
          defaultClientScopes: p.defaultScopes,
          optionalClientScopes: p.optionalScopes,
        }));
      const id = await clientId(kc, p.clientId);
      if (action === 'update') return kc.clients.update({ id }, { clientId: p.clientId, ...p.settings });
      return kc.clients.del({ id });
    }
    case 'client-role': {
      const id = await clientId(kc, p.clientId);
      const { name, description } = p.role;
      if (action === 'create') return void (await kc.clients.createRole({ id, name, description }));
      if (action === 'update') return kc.clients.updateRole({ id, roleName: name }, { name, description });
      return kc.clients.delRole({ id, roleName: name });
    }
    case 'mapper': {
      const { mapper } = p;
      const { id: mapperId, ...body } = mapper;
      const api = p.owner.type === 'client' ? kc.clients : kc.clientScopes;
      const id = await ownerId(kc, p.owner);
      if (action === 'create') return void (await api.addProtocolMapper({ id }, body));
      if (action === 'update')
        return api.updateProtocolMapper({ id, mapperId: mapperId as string }, { ...body, id: mapperId });
      return api.delProtocolMapper({ id, mapperId: mapperId as string });
    }
    case 'composites': {
      const role = await roleRef(kc, p.role);
      const roles = await Promise.all(p.keys.map((k) => roleRef(kc, k)));
      if (action === 'add') return kc.roles.createComposite({ roleId: role.id }, roles);
      return kc.roles.delCompositeRoles({ id: role.id }, roles);
    }
    case 'client-scopes': {
      const id = await clientId(kc, p.clientId);
      for (const name of p.scopes) {
        const clientScopeId = await scopeId(kc, name);
        if (p.list === 'default')
          await (action === 'add'
            ? kc.clients.addDefaultClientScope({ id, clientScopeId })
            : kc.clients.delDefaultClientScope({ id, clientScopeId }));
        else
          await (action === 'add'
            ? kc.clients.addOptionalClientScope({ id, clientScopeId })
            : kc.clients.delOptionalClientScope({ id, clientScopeId }));
      }
      return;
    }
    case 'scope-mappings':
      return scopeMappings(kc, action === 'add', p.owner, p.keys);
    case 'service-account-roles': {
      const user = await kc.clients.getServiceAccountUser({ id: await clientId(kc, p.clientId) });
      const id = user.id as string;
      for (const [container, roles] of await byContainer(kc, p.keys)) {
        if (container === undefined)
          await (action === 'add'
            ? kc.users.addRealmRoleMappings({ id, roles })
            : kc.users.delRealmRoleMappings({ id, roles }));
        else {
          const clientUniqueId = await clientId(kc, container);
          await (action === 'add'
            ? kc.users.addClientRoleMappings({ id, clientUniqueId, roles })
            : kc.users.delClientRoleMappings({ id, clientUniqueId, roles }));
        }
      }
      return;
    }
    case 'client-secret':
      return kc.clients.update(
        { id: await clientId(kc, p.clientId) },
        { clientId: p.clientId, secret: p.secret },
      );
  }
}

async function scopeMappings(kc: Kc, add: boolean, owner: Owner, keys: string[]): Promise<void> {
  const id = await ownerId(kc, owner);
  const api = owner.type === 'client' ? kc.clients : kc.clientScopes;
  for (const [container, roles] of await byContainer(kc, keys)) {
    if (container === undefined)
      await (add ? api.addRealmScopeMappings({ id }, roles) : api.delRealmScopeMappings({ id }, roles));
    else {
      const client = await clientId(kc, container);
      await (add
        ? api.addClientScopeMappings({ id, client }, roles)
        : api.delClientScopeMappings({ id, client }, roles));
    }
  }
}

/** Role keys grouped by owner: undefined for realm roles, the clientId for client roles. */
async function byContainer(kc: Kc, keys: string[]): Promise<Map<string | undefined, RoleRef[]>> {
  const groups = new Map<string | undefined, RoleRef[]>();
  for (const key of keys) {
    const { clientId: container } = parseRoleKey(key);
    const list = groups.get(container) ?? [];
    list.push(await roleRef(kc, key));
    groups.set(container, list);
  }
  return groups;
}

async function roleRef(kc: Kc, key: string): Promise<RoleRef> {
  const { name, clientId: owner } = parseRoleKey(key);
  const role =
    owner === undefined
      ? await kc.roles.findOneByName({ name })
      : await kc.clients.findRole({ id: await clientId(kc, owner), roleName: name });
  if (!role?.id) throw new Error(`role ${owner ? `${owner}/` : ''}${name} does not exist`);
  return { id: role.id, name: role.name as string };
}

async function clientId(kc: Kc, id: string): Promise<string> {
  const [client] = await kc.clients.find({ clientId: id });
  if (!client?.id) throw new Error(`client ${id} does not exist`);
  return client.id;
}

async function scopeId(kc: Kc, name: string): Promise<string> {
  const scope = (await kc.clientScopes.find()).find((s) => s.name === name);
  if (!scope?.id) throw new Error(`client scope ${name} does not exist`);
  return scope.id;
}

const ownerId = (kc: Kc, owner: Owner) =>
  owner.type === 'client' ? clientId(kc, owner.name) : scopeId(kc, owner.name);
