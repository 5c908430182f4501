import { BUILTIN_CLIENTS } from '../plan-steps.ts';
import type { ClientState, RealmState } from '../realm-state.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** What the audit looks at: the running realm, the services' environment and this project's layout. */
export interface AuditContext {
  live: RealmState;
  /** The services' environment (NODE_ENV, KEYCLOAK_PUBLIC_URL, secrets …), as they would start with it. */
  env: Env;
  /** `iss` of the realm's discovery document, as the running Keycloak or idp announces it. */
  issuer: string | undefined;
  /** Client id → the environment variable holding its secret (from the realm file's placeholders). */
  secretVariables: ReadonlyMap<string, string>;
  /** The client the tool itself signs in as: the one service account allowed realm-management roles. */
  adminClientId: string | undefined;
  layout: ProjectLayout;
}

/** Which clients play which part in this project (problem 2 and 3 of the first article). */
export interface ProjectLayout {
  /** The browser's confidential client (BFF): back-channel logout, PKCE, no password grant. */
  gateway: string;
  /** The resource server of user tokens: the gateway's tokens must carry it as `aud`. */
  userAudience: string;
  /** Resource servers called only by service accounts: each checks one of its client roles. */
  serviceResourceServers: readonly string[];
  /** The realm role that decides checkout (instead of the canCheckout attribute). */
  checkoutRole: string;
}

export const MOCKMART_LAYOUT: ProjectLayout = {
  gateway: 'gateway',
  userAudience: 'shop-api',
  serviceResourceServers: ['inventory-service', 'payment-service', 'notification-service'],
  checkoutRole: 'can-checkout',
};

export interface AuditRule {
  id: string;
  /** What must hold, as the line reads when it passes. */
  title: string;
  /** How to put it right. */
  fix: string;
  /** The failing items, each naming the client, scope, setting or variable; empty when it holds. */
  check(ctx: AuditContext): string[];
}

/** The realm's own clients: Keycloak's built-ins (account, admin-cli …) are Keycloak's to configure. */
export const ownClients = (ctx: AuditContext): ClientState[] =>
  [...ctx.live.clients.values()].filter((c) => !BUILTIN_CLIENTS.includes(c.clientId));

export const attribute = (client: ClientState, name: string): string | undefined =>
  ((client.settings.attributes ?? {}) as Record<string, string>)[name];

export const isDevelopment = (env: Env): boolean => ['development', 'test', undefined].includes(env.NODE_ENV);
