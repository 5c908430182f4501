import { Type } from '@sinclair/typebox';
import { requireUser, type Principal } from '@mockmart/auth';
import { mayCheckout } from '../checkout/checkout-permission.ts';
import type { RoutePlugin } from '../lib/fastify.ts';

const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);

export const ProfileSchema = Type.Object(
  {
    id: Type.String({ description: 'token sub' }),
    email: Nullable(Type.String()),
    username: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    name: Type.String(),
    canCheckout: Type.Boolean(),
    role: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
    roles: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export function toProfile(p: Principal) {
  const fullName = [p.givenName, p.familyName].filter(Boolean).join(' ');
  return {
    id: p.subject,
    email: p.email ?? null,
    username: p.username ?? null,
    firstName: p.givenName ?? null,
    lastName: p.familyName ?? null,
    name: p.name ?? (fullName || p.username || ''),
    canCheckout: mayCheckout(p),
    role: p.realmRoles.includes('admin') ? ('admin' as const) : ('user' as const),
    roles: [...p.realmRoles],
  };
}

/** How long the gateway may keep a profile for its token (never past the token's `exp`). */
const PROFILE_GATEWAY_MAX_AGE_SEC = 60;

/**
 * How the profile may be kept: the answer depends on nothing but the token, so the gateway may
 * keep it for requests with that exact Authorization, at most a minute and never past the token's
 * expiry — said in a field targeted at the gateway alone (RFC 9213), which the gateway removes.
 * Everyone else, browsers and any shared cache in front of the gateway included, is told to keep
 * nothing: the answer holds the user's name and e-mail, and not every cache honours Vary.
 */
export function profileCaching(principal: Principal, nowMs = Date.now()): Record<string, string> {
  const left = Math.min(PROFILE_GATEWAY_MAX_AGE_SEC, Math.floor(principal.expiresAt - nowMs / 1000));
  return {
    'cache-control': 'private, no-store',
    ...(left > 0 ? { 'gateway-cache-control': `max-age=${left}`, vary: 'authorization' } : {}),
  };
}

/** GET /api/user/profile — who the token says you are (same shape as the original). */
export const profileRoutes: RoutePlugin<object> = async (app) => {
  app.get(
    '/api/user/profile',
    {
      config: { auth: requireUser() },
      schema: { tags: ['profile'], security: [{ bearer: [] }], response: { 200: ProfileSchema } },
    },
    async (request, reply) => {
      void reply.headers(profileCaching(request.principal));
      return toProfile(request.principal);
    },
  );
};
