import { Type, type Static } from '@sinclair/typebox';
import { ProductSchema } from '@mockmart/contracts/shop';
import { pagingQuery } from '../lib/pagination.ts';

// The product view is the UI's contract: declared once in @mockmart/contracts.
export { ProductSchema, type Product } from '@mockmart/contracts/shop';

export const ProductIdParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { additionalProperties: false },
);

export const ListProductsQuery = Type.Object(
  {
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    search: Type.Optional(Type.String({ maxLength: 100 })),
    sort: Type.Optional(
      Type.Union([Type.Literal('price-asc'), Type.Literal('price-desc'), Type.Literal('name')]),
    ),
    ...pagingQuery,
  },
  { additionalProperties: false },
);
export type ListProductsQuery = Static<typeof ListProductsQuery>;

const name = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });
const description = Type.String({ maxLength: 2000 });
const category = Type.String({ minLength: 1, maxLength: 40 });
const price = Type.Number({
  exclusiveMinimum: 0,
  maximum: 1000000,
  description: 'major units with at most two decimals',
});
const image = Type.Union([Type.String({ maxLength: 500, pattern: '^https://[^\\s]+$' }), Type.Null()]);
const stock = Type.Integer({ minimum: 0, maximum: 1000000, description: 'sets on-hand stock in inventory' });

export const CreateProductBody = Type.Object(
  {
    name,
    description: Type.Optional(description),
    category,
    price,
    image: Type.Optional(image),
    stock: Type.Optional(stock),
  },
  { additionalProperties: false },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

export const UpdateProductBody = Type.Object(
  {
    name: Type.Optional(name),
    description: Type.Optional(description),
    category: Type.Optional(category),
    price: Type.Optional(price),
    image: Type.Optional(image),
    stock: Type.Optional(stock),
    expectedStock: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000000,
        description:
          'the on-hand figure the admin read (GET /api/admin/stock/:id): `stock` applies only if inventory still has it, else 409 SHOP_STOCK_CHANGED, so sales made meanwhile are not undone',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, dependencies: { expectedStock: ['stock'] } },
);
export type UpdateProductBody = Static<typeof UpdateProductBody>;

export const DeleteProductResponse = Type.Object(
  { success: Type.Literal(true), product: ProductSchema },
  { additionalProperties: false },
);
