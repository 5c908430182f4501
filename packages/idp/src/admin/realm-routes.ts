import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { IdpError } from '../errors.ts';
import { findRealm } from '../oidc/realm-lookup.ts';
import { parsePasswordPolicy } from '../password/password-policy.ts';
import { readSettings } from '../realm/build-realm.ts';
import type { Realm } from '../realm/model.ts';
import { authorizeAdmin } from './admin-auth.ts';
import { REALM_FIELDS, readFields } from './rep-fields.ts';
import { roleRep } from './representations.ts';

/** Admin REST realm: read (view-realm) and update of its settings (manage-realm). */
export function realmRoutes(app: FastifyInstance, ctx: IdpContext): void {
  app.get<{ Params: { realm: string } }>('/admin/realms/:realm', async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-realm'))) return reply;
    return realmRep(realm);
  });

  // Keycloak's PUT /admin/realms/{realm}: the fields given replace the realm's, the rest stay.
  app.put<{ Params: { realm: string } }>('/admin/realms/:realm', async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'manage-realm'))) return reply;
    const read = readFields(request.body, REALM_FIELDS);
    if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
    const rep = { ...realm.rep, ...read.fields };
    if (!['none', 'external', 'all'].includes(rep.sslRequired ?? 'external'))
      return reply.code(400).send({ errorMessage: 'sslRequired must be none, external or all' });
    // The idp's production refusal at start-up holds for a change at run time too.
    if (ctx.production && rep.sslRequired === 'none')
      return reply.code(400).send({ errorMessage: 'sslRequired none is refused in production' });
    let passwordPolicy;
    try {
      passwordPolicy = parsePasswordPolicy(rep.passwordPolicy, `realm ${realm.name}`);
    } catch (err) {
      if (!(err instanceof IdpError)) throw err;
      return reply.code(400).send({ errorMessage: 'Invalid password policy' });
    }
    realm.rep = rep;
    realm.settings = readSettings(rep);
    realm.passwordPolicy = passwordPolicy;
    return reply.code(204).send();
  });
}

/** The realm's settings with Keycloak's defaults for those a realm file left out. */
function realmRep(realm: Realm) {
  const s = realm.settings;
  const defaultRole = realm.roles.get(realm.defaultRoleKey);
  const stored = Object.fromEntries(Object.keys(REALM_FIELDS).map((name) => [name, realm.rep[name]]));
  return {
    id: realm.id,
    realm: realm.name,
    ...stored,
    enabled: s.enabled,
    sslRequired: s.sslRequired,
    loginWithEmailAllowed: s.loginWithEmailAllowed,
    accessTokenLifespan: s.accessTokenLifespan,
    accessCodeLifespan: s.accessCodeLifespan,
    accessCodeLifespanLogin: s.accessCodeLifespanLogin,
    ssoSessionIdleTimeout: s.ssoSessionIdleTimeout,
    ssoSessionMaxLifespan: s.ssoSessionMaxLifespan,
    offlineSessionIdleTimeout: s.offlineSessionIdleTimeout,
    offlineSessionMaxLifespanEnabled: s.offlineSessionMaxLifespanEnabled,
    offlineSessionMaxLifespan: s.offlineSessionMaxLifespan,
    revokeRefreshToken: s.revokeRefreshToken,
    refreshTokenMaxReuse: s.refreshTokenMaxReuse,
    bruteForceProtected: s.bruteForce.enabled,
    permanentLockout: s.bruteForce.permanentLockout,
    failureFactor: s.bruteForce.failureFactor,
    waitIncrementSeconds: s.bruteForce.waitIncrementSeconds,
    maxFailureWaitSeconds: s.bruteForce.maxFailureWaitSeconds,
    quickLoginCheckMilliSeconds: s.bruteForce.quickLoginCheckMilliSeconds,
    minimumQuickLoginWaitSeconds: s.bruteForce.minimumQuickLoginWaitSeconds,
    maxDeltaTimeSeconds: s.bruteForce.maxDeltaTimeSeconds,
    passwordPolicy: realm.rep.passwordPolicy,
    // Keycloak lists the realm's default client scopes under their own paths, not here.
    defaultRole: defaultRole && roleRep(realm, defaultRole, 'brief'),
  };
}
