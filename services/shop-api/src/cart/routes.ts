import { requireUser } from '@mockmart/auth';
import { addItem, mergeCarts, removeItem, setQuantity, viewCart, type CartDeps } from './manage-cart.ts';
import { userCart } from './cart-owner.ts';
import { anonymousCartOf, cartIdentityHook, resolveCartOwner } from './resolve-owner.ts';
import {
  AddItemBody,
  CartChangedSchema,
  CartHeaders,
  CartSchema,
  MergeResultSchema,
  ProductIdParams,
  SetQuantityBody,
} from './schemas.ts';
import type { AccessTokenVerifier } from '@mockmart/auth';
import type { RoutePlugin } from '../lib/fastify.ts';

const tags = ['cart'];
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cartId: [] }];

/**
 * The cart of a signed-in user (by token `sub`) or of an anonymous visitor (by X-Cart-Id).
 * Guard: 'public' for the auth plugin, then {@link cartIdentityHook} refuses bad or service tokens.
 */
export const cartRoutes: RoutePlugin<CartDeps & { verifier: AccessTokenVerifier }> = async (
  app,
  { deps },
) => {
  app.addHook('onRequest', cartIdentityHook(deps.verifier));

  app.get(
    '/api/cart',
    {
      config: { auth: 'public' },
      schema: { tags, security, headers: CartHeaders, response: { 200: CartSchema } },
    },
    async (request) => viewCart(deps, resolveCartOwner(request)),
  );

  app.post(
    '/api/cart',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        security,
        headers: CartHeaders,
        body: AddItemBody,
        response: { 200: CartChangedSchema },
      },
    },
    async (request) =>
      addItem(deps, resolveCartOwner(request), request.body.productId, request.body.quantity),
  );

  app.put(
    '/api/cart/:productId',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        security,
        headers: CartHeaders,
        params: ProductIdParams,
        body: SetQuantityBody,
        response: { 200: CartChangedSchema },
      },
    },
    async (request) =>
      setQuantity(deps, resolveCartOwner(request), request.params.productId, request.body.quantity),
  );

  app.delete(
    '/api/cart/:productId',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        security,
        headers: CartHeaders,
        params: ProductIdParams,
        response: { 200: CartChangedSchema },
      },
    },
    async (request) => removeItem(deps, resolveCartOwner(request), request.params.productId),
  );

  // Called by the gateway right after sign-in with the user's token and the visitor's cart id.
  app.post(
    '/api/cart/merge',
    {
      config: { auth: requireUser() },
      schema: {
        tags,
        security: [{ bearer: [] }],
        headers: CartHeaders,
        response: { 200: MergeResultSchema },
      },
    },
    async (request) => mergeCarts(deps, anonymousCartOf(request), userCart(request.principal)),
  );
};
