import { AuthError } from '../errors.ts';
import type { Principal } from '../principal/principal.ts';

export type GuardDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly why: string; readonly scopes?: readonly string[] };

/**
 * A route requirement evaluated against a verified principal. Guards are plain data + a pure
 * function, so adapters (Fastify, Express) and tests share them. Evaluate with {@link authorize}.
 */
export interface Guard {
  readonly kind: 'mockmart.auth.guard';
  /** Human-readable, for logs: e.g. `clientRole(payment-service:payments:charge)`. */
  readonly description: string;
  evaluate(principal: Principal): GuardDecision;
  /** Also check the token with RFC 7662 introspection (set by {@link withIntrospection}). */
  readonly introspect?: boolean;
}

/** A route requirement: 'public' (a token is optional) or a guard (a valid token is required). */
export type AuthRequirement = 'public' | Guard;

const ALLOW: GuardDecision = Object.freeze({ allowed: true });

function guard(description: string, evaluate: (principal: Principal) => GuardDecision): Guard {
  return Object.freeze({ kind: 'mockmart.auth.guard', description, evaluate });
}

/**
 * A guard built from others. Introspection is a property of the whole route, not of one branch: if
 * any child asks for it the composite does, otherwise wrapping a withIntrospection() guard in
 * anyOf/allOf would silently skip the IdP check.
 */
function composite(
  description: string,
  children: readonly Guard[],
  evaluate: (principal: Principal) => GuardDecision,
): Guard {
  const base = guard(description, evaluate);
  return children.some((child) => child.introspect === true)
    ? Object.freeze({ ...base, introspect: true })
    : base;
}

function deny(why: string, scopes?: readonly string[]): GuardDecision {
  return scopes ? { allowed: false, why, scopes } : { allowed: false, why };
}

export function isGuard(value: unknown): value is Guard {
  return typeof value === 'object' && value !== null && (value as Guard).kind === 'mockmart.auth.guard';
}

/** Any verified token. */
export function requireAuthenticated(): Guard {
  return guard('authenticated', () => ALLOW);
}

/** A human user's token (not a service account). */
export function requireUser(): Guard {
  return guard('user', (p) =>
    p.isServiceAccount ? deny('service account tokens are not accepted here') : ALLOW,
  );
}

export interface RequireServiceAccountOptions {
  /** Allow-list of calling clients (`azp`). */
  clients?: readonly string[];
  /** Client roles the service account must hold, all of them: `{ 'payment-service': ['payments:charge'] }`. */
  clientRoles?: Readonly<Record<string, readonly string[]>>;
}

/**
 * A service account (problem 3: decided from explicit evidence, never from a missing e-mail),
 * optionally from given clients, holding given client roles. Prefer roles over `clients`: a role
 * is granted in the realm, a client list is hard-coded in every callee.
 */
export function requireServiceAccount(options: RequireServiceAccountOptions = {}): Guard {
  const roles = clientRolesGuard(options.clientRoles ?? {});
  const clients = options.clients ? [...options.clients] : undefined;
  const parts = [
    'serviceAccount',
    clients ? `clients=${clients.join('|')}` : '',
    options.clientRoles ? roles.description : '',
  ];
  return guard(parts.filter(Boolean).join(' '), (p) => {
    if (!p.isServiceAccount) return deny('a service account token is required');
    if (clients && (p.clientId === undefined || !clients.includes(p.clientId)))
      return deny(`client ${p.clientId ?? '(none)'} is not allowed`);
    return roles.evaluate(p);
  });
}

/** All of the given realm roles. */
export function requireRealmRoles(...roles: string[]): Guard {
  const wanted = roles.flat();
  return guard(`realmRoles(${wanted.join(',')})`, (p) => {
    const missing = wanted.filter((role) => !p.realmRoles.includes(role));
    return missing.length === 0 ? ALLOW : deny(`missing realm role(s) ${missing.join(',')}`);
  });
}

/** All of the given roles of one client: `requireClientRoles('inventory-service', 'stock:reserve')`. */
export function requireClientRoles(clientId: string, ...roles: string[]): Guard {
  const wanted = roles.flat();
  return clientRolesGuard({ [clientId]: wanted });
}

function clientRolesGuard(required: Readonly<Record<string, readonly string[]>>): Guard {
  const entries = Object.entries(required);
  const description = `clientRoles(${entries.map(([client, roles]) => roles.map((r) => `${client}:${r}`).join(',')).join(',')})`;
  return guard(description, (p) => {
    const missing: string[] = [];
    for (const [client, roles] of entries) {
      const held = p.clientRoles[client] ?? [];
      for (const role of roles) if (!held.includes(role)) missing.push(`${client}:${role}`);
    }
    return missing.length === 0 ? ALLOW : deny(`missing client role(s) ${missing.join(',')}`);
  });
}

/** All of the given OAuth scopes (space-separated `scope` claim). */
export function requireScopes(...scopes: string[]): Guard {
  const wanted = scopes.flat();
  return guard(`scopes(${wanted.join(' ')})`, (p) => {
    const missing = wanted.filter((scope) => !p.scopes.includes(scope));
    return missing.length === 0 ? ALLOW : deny(`missing scope(s) ${missing.join(' ')}`, wanted);
  });
}

/** Passes when at least one guard passes. */
export function anyOf(...guards: Guard[]): Guard {
  if (guards.length === 0) throw new TypeError('anyOf needs at least one guard');
  return composite(`anyOf(${guards.map((g) => g.description).join(', ')})`, guards, (p) => {
    const whys: string[] = [];
    for (const g of guards) {
      const decision = g.evaluate(p);
      if (decision.allowed) return ALLOW;
      whys.push(decision.why);
    }
    return deny(whys.join(' / '));
  });
}

/** Passes when every guard passes. */
export function allOf(...guards: Guard[]): Guard {
  if (guards.length === 0) throw new TypeError('allOf needs at least one guard');
  return composite(`allOf(${guards.map((g) => g.description).join(', ')})`, guards, (p) => {
    for (const g of guards) {
      const decision = g.evaluate(p);
      if (!decision.allowed) return decision;
    }
    return ALLOW;
  });
}

/**
 * Same guard, but the token must also be confirmed active by the IdP (RFC 7662), for routes where a
 * revoked token must stop working before it expires (shop-api's admin writes: refunds, stock, prices).
 */
export function withIntrospection(inner: Guard): Guard {
  return Object.freeze({ ...inner, description: `${inner.description}+introspection`, introspect: true });
}

/** Throws AUTH_INSUFFICIENT_SCOPE (403) when the principal does not satisfy the guard. */
export function authorize(principal: Principal, requirement: Guard): void {
  const decision = requirement.evaluate(principal);
  if (decision.allowed) return;
  throw new AuthError('AUTH_INSUFFICIENT_SCOPE', `forbidden: ${decision.why}`, {
    reason: 'forbidden',
    detail: `${decision.why}; required ${requirement.description}; subject=${principal.subject} client=${principal.clientId ?? '-'}`,
    requiredScopes: decision.scopes,
  });
}
