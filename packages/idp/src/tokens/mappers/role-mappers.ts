import type { Role } from '../../realm/model.ts';
import { addAudience, setClaim } from '../claims.ts';
import type { MapperContext, ProtocolMapper } from '../mapper-context.ts';

function rolesOf(ctx: MapperContext): Role[] {
  return [...ctx.roleKeys].map((key) => ctx.realm.roles.get(key)).filter((r): r is Role => r !== undefined);
}

/** `oidc-usermodel-realm-role-mapper`: effective realm roles in the client's role scope. Nothing when empty. */
export const realmRoleMapper: ProtocolMapper = (claims, config, ctx) => {
  const prefix = config['usermodel.realmRoleMapping.rolePrefix'] ?? '';
  const names = rolesOf(ctx)
    .filter((r) => r.clientId === undefined)
    .map((r) => prefix + r.name);
  if (names.length === 0) return;
  setClaim(claims, config['claim.name'] || 'realm_access.roles', names, config.multivalued !== 'false');
};

/** Effective client roles grouped by clientId. */
export function clientRoles(ctx: MapperContext): Map<string, string[]> {
  const byClient = new Map<string, string[]>();
  for (const role of rolesOf(ctx)) {
    if (role.clientId === undefined) continue;
    const list = byClient.get(role.clientId) ?? [];
    list.push(role.name);
    byClient.set(role.clientId, list);
  }
  return byClient;
}

/**
 * `oidc-usermodel-client-role-mapper`: `claim.name` may contain `${client_id}`
 * (`resource_access.${client_id}.roles`); `usermodel.clientRoleMapping.clientId` limits it to one client.
 */
export const clientRoleMapper: ProtocolMapper = (claims, config, ctx) => {
  const only = config['usermodel.clientRoleMapping.clientId'];
  const prefix = config['usermodel.clientRoleMapping.rolePrefix'] ?? '';
  const template = config['claim.name'] || 'resource_access.${client_id}.roles';
  for (const [clientId, names] of clientRoles(ctx)) {
    if (only && only !== clientId) continue;
    const claim = template.replace('${client_id}', clientId.replaceAll('.', '\\.'));
    setClaim(
      claims,
      claim,
      names.map((n) => prefix + n),
      config.multivalued !== 'false',
    );
  }
};

/** `oidc-audience-resolve-mapper`: every client (except azp) with at least one resolved client role. */
export const audienceResolveMapper: ProtocolMapper = (claims, _config, ctx) => {
  for (const clientId of clientRoles(ctx).keys())
    if (clientId !== ctx.client.clientId) addAudience(claims, clientId);
};

/** `oidc-audience-mapper`: `included.client.audience`, or `included.custom.audience` only when that is unset. */
export const audienceMapper: ProtocolMapper = (claims, config) => {
  const audience = config['included.client.audience'] || config['included.custom.audience'];
  if (audience) addAudience(claims, audience);
};
