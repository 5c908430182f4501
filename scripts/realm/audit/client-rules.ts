import { roleKey, type ClientState } from '../realm-state.ts';
import { attribute, isDevelopment, ownClients, type AuditContext, type AuditRule } from './audit-context.ts';

/** Whether any of the client's default or optional scopes (or the client itself) adds `aud: audience`. */
function addsAudience(
  ctx: AuditContext,
  client: ClientState,
  audience: string,
  lists: ('default' | 'optional')[],
): boolean {
  const scopes = lists.flatMap((l) => (l === 'default' ? client.defaultScopes : client.optionalScopes));
  const mappers = [...client.mappers, ...scopes.flatMap((name) => ctx.live.scopes.get(name)?.mappers ?? [])];
  return mappers.some(
    (m) =>
      m.protocolMapper === 'oidc-audience-mapper' &&
      m.config['included.client.audience'] === audience &&
      m.config['access.token.claim'] !== 'false',
  );
}

const hasWildcard = (uri: string) => uri.includes('*');

export const clientRules: AuditRule[] = [
  {
    id: 'audience-mappers',
    title: 'every resource server has an audience mapper that reaches the tokens meant for it',
    fix: 'add an oidc-audience-mapper (included.client.audience = the resource server) in a client scope: a default scope of the gateway for the user-facing API, an optional scope of the calling service account for each downstream service',
    check: (ctx) => {
      const { gateway, userAudience, serviceResourceServers } = ctx.layout;
      const failures: string[] = [];
      const gw = ctx.live.clients.get(gateway);
      if (!gw || !addsAudience(ctx, gw, userAudience, ['default']))
        failures.push(`${userAudience}: no default scope of ${gateway} adds aud ${userAudience}`);
      const callers = ownClients(ctx).filter((c) => c.serviceAccountRoles);
      for (const server of serviceResourceServers)
        if (!callers.some((c) => addsAudience(ctx, c, server, ['default', 'optional'])))
          failures.push(`${server}: no scope of a service-account client adds aud ${server}`);
      return failures;
    },
  },
  {
    id: 'service-account-detection',
    title: 'service accounts are recognised by client roles, never by a missing e-mail',
    fix: 'give each downstream resource server client roles (e.g. payments:charge) and grant them to the calling service accounts only',
    check: (ctx) => {
      const failures: string[] = [];
      for (const server of ctx.layout.serviceResourceServers) {
        const client = ctx.live.clients.get(server);
        if (!client) failures.push(`${server}: no such client`);
        else if (client.roles.size === 0) failures.push(`${server}: defines no client roles`);
        else if (
          !ownClients(ctx).some((c) =>
            [...(c.serviceAccountRoles ?? [])].some((k) => k.startsWith(`client/${server}/`)),
          )
        )
          failures.push(`${server}: no service account holds any of its roles`);
      }
      return failures;
    },
  },
  {
    id: 'claims-as-roles',
    title:
      'authorization claims are roles (checkout is a realm role in the gateway tokens), not custom attributes',
    fix: 'create the realm role, map it into the gateway\'s role scope (scope mapping or fullScopeAllowed) and keep the "roles" scope a default scope of the gateway',
    check: (ctx) => {
      const { gateway, checkoutRole } = ctx.layout;
      const gw = ctx.live.clients.get(gateway);
      if (!ctx.live.realmRoles.has(checkoutRole)) return [`realm role ${checkoutRole} does not exist`];
      if (!gw) return [`client ${gateway} does not exist`];
      const failures: string[] = [];
      if (gw.settings.fullScopeAllowed !== true && !gw.scopeMappings.has(roleKey(checkoutRole)))
        failures.push(`${gateway}: realm role ${checkoutRole} is not in its role scope`);
      if (!gw.defaultScopes.includes('roles'))
        failures.push(`${gateway}: the "roles" scope is not a default scope`);
      return failures;
    },
  },
  {
    id: 'pkce-s256',
    title: 'every client with the browser flow requires PKCE S256 (public clients above all)',
    fix: 'set the client attribute pkce.code.challenge.method to S256',
    check: (ctx) =>
      ownClients(ctx)
        .filter((c) => c.settings.standardFlowEnabled !== false && c.settings.bearerOnly !== true)
        .filter((c) => attribute(c, 'pkce.code.challenge.method') !== 'S256')
        .map(
          (c) =>
            `${c.clientId}${c.settings.publicClient ? ' (public)' : ''}: pkce.code.challenge.method is ${JSON.stringify(attribute(c, 'pkce.code.challenge.method') ?? null)}`,
        ),
  },
  {
    id: 'no-wildcard-uris',
    title: 'redirect URIs, post-logout redirect URIs and web origins are exact (no wildcard)',
    fix: 'list each URI exactly (e.g. https://shop.example.com/bff/callback); "+" in web origins is fine',
    check: (ctx) =>
      ownClients(ctx).flatMap((c) => [
        ...((c.settings.redirectUris ?? []) as string[])
          .filter(hasWildcard)
          .map((u) => `${c.clientId}: redirect URI ${u}`),
        ...(attribute(c, 'post.logout.redirect.uris') ?? '')
          .split('##')
          .filter(hasWildcard)
          .map((u) => `${c.clientId}: post-logout redirect URI ${u}`),
        ...((c.settings.webOrigins ?? []) as string[])
          .filter(hasWildcard)
          .map((u) => `${c.clientId}: web origin ${u}`),
      ]),
  },
  {
    id: 'direct-grants',
    title: 'direct access grants are off, except a development-only CLI client in development',
    fix: 'set directAccessGrantsEnabled: false (the password grant bypasses the login page, its brute-force and MFA)',
    check: (ctx) =>
      ownClients(ctx)
        .filter((c) => c.settings.directAccessGrantsEnabled === true)
        .filter((c) => {
          // A CLI client: public, no browser flow, no service account — tolerated in development only.
          const cli =
            c.settings.publicClient === true &&
            c.settings.standardFlowEnabled === false &&
            !c.serviceAccountRoles;
          return !(cli && isDevelopment(ctx.env));
        })
        .map(
          (c) =>
            `${c.clientId}: directAccessGrantsEnabled is on${isDevelopment(ctx.env) ? '' : ` (NODE_ENV=${ctx.env.NODE_ENV})`}`,
        ),
  },
  {
    id: 'backchannel-logout',
    title: 'the gateway has back-channel logout to its own endpoint, with the session id',
    fix: 'set the gateway client attributes backchannel.logout.url = <GATEWAY_PUBLIC_URL>/bff/backchannel-logout and backchannel.logout.session.required = true',
    check: (ctx) => {
      const { gateway } = ctx.layout;
      const gw = ctx.live.clients.get(gateway);
      if (!gw) return [`client ${gateway} does not exist`];
      const url = attribute(gw, 'backchannel.logout.url');
      const publicUrl = ctx.env.GATEWAY_PUBLIC_URL?.replace(/\/+$/, '');
      const failures: string[] = [];
      if (!url) failures.push(`${gateway}: backchannel.logout.url is not set`);
      else if (publicUrl && url !== `${publicUrl}/bff/backchannel-logout`)
        failures.push(
          `${gateway}: backchannel.logout.url is ${url}, not ${publicUrl}/bff/backchannel-logout`,
        );
      if (attribute(gw, 'backchannel.logout.session.required') !== 'true')
        failures.push(`${gateway}: backchannel.logout.session.required is not true`);
      return failures;
    },
  },
];
