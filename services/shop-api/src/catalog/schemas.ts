import { Type, type Static } from '@sinclair/typebox';
import { pagingQuery } from '../lib/pagination.ts';

export const ProductSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    description: Type.String(),
    category: Type.String(),
    icon: Type.String({ description: 'emoji of the category, shown when there is no image' }),
    image: Type.Union([Type.String(), Type.Null()], {
      description: 'absolute https URL or null (then show the icon)',
    }),
    price: Type.Number({
      description: 'major units (899.99), for display and parity; derived from priceMinor',
    }),
    priceMinor: Type.Integer({ description: 'integer minor units (89999)' }),
    currency: Type.String({ description: 'ISO 4217, e.g. EUR' }),
    stock: Type.Union([Type.Integer(), Type.Null()], {
      description: 'units available now (from inventory); null when unknown',
    }),
    availability: Type.Union([
      Type.Literal('in_stock'),
      Type.Literal('low_stock'),
      Type.Literal('out_of_stock'),
      Type.Literal('unknown'),
    ]),
  },
  { additionalProperties: false },
);
export type Product = Static<typeof ProductSchema>;

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
