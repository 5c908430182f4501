import { Type } from '@sinclair/typebox';
import { requireActiveAdmin } from '../lib/admin-guard.ts';
import { getProduct, listCategories, listProducts } from './browse-catalog.ts';
import { changeProduct, createProduct, removeProduct, type ManageDeps } from './manage-products.ts';
import {
  CreateProductBody,
  DeleteProductResponse,
  ListProductsQuery,
  ProductIdParams,
  ProductSchema,
  UpdateProductBody,
} from './schemas.ts';
import { pageSchema } from '../lib/pagination.ts';
import type { RoutePlugin } from '../lib/fastify.ts';

const tags = ['catalog'];
const adminSecurity: Array<Record<string, string[]>> = [{ bearer: [] }];

/** Catalog reads are public; product administration needs the realm role `admin` and a token still active. */
export const catalogRoutes: RoutePlugin<ManageDeps> = async (app, { deps }) => {
  app.get(
    '/api/products',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        description: 'Plain array without page/pageSize (parity); a page envelope with either of them.',
        querystring: ListProductsQuery,
        response: { 200: Type.Union([Type.Array(ProductSchema), pageSchema(ProductSchema)]) },
      },
    },
    async (request) => listProducts(deps, request.query),
  );

  app.get(
    '/api/products/:id',
    {
      config: { auth: 'public' },
      schema: { tags, params: ProductIdParams, response: { 200: ProductSchema } },
    },
    async (request) => getProduct(deps, request.params.id),
  );

  app.get(
    '/api/categories',
    { config: { auth: 'public' }, schema: { tags, response: { 200: Type.Array(Type.String()) } } },
    async () => listCategories(deps),
  );

  app.post(
    '/api/products',
    {
      config: { auth: requireActiveAdmin },
      schema: { tags, security: adminSecurity, body: CreateProductBody, response: { 201: ProductSchema } },
    },
    async (request, reply) => reply.code(201).send(await createProduct(deps, request.body)),
  );

  app.put(
    '/api/products/:id',
    {
      config: { auth: requireActiveAdmin },
      schema: {
        tags,
        security: adminSecurity,
        params: ProductIdParams,
        body: UpdateProductBody,
        response: { 200: ProductSchema },
      },
    },
    async (request) => changeProduct(deps, request.params.id, request.body),
  );

  app.delete(
    '/api/products/:id',
    {
      config: { auth: requireActiveAdmin },
      schema: {
        tags,
        security: adminSecurity,
        params: ProductIdParams,
        response: { 200: DeleteProductResponse },
      },
    },
    async (request) => ({ success: true as const, product: await removeProduct(deps, request.params.id) }),
  );
};
