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

/** GET /api/user/profile — who the token says you are (same shape as the original). */
export const profileRoutes: RoutePlugin<object> = async (app) => {
  app.get(
    '/api/user/profile',
    {
      config: { auth: requireUser() },
      schema: { tags: ['profile'], security: [{ bearer: [] }], response: { 200: ProfileSchema } },
    },
    async (request) => toProfile(request.principal),
  );
};
