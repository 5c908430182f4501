import { Type, type Static } from '@sinclair/typebox';
import { ProductSchema } from '../catalog/schemas.ts';

export const CartItemSchema = Type.Object(
  { productId: Type.Integer(), quantity: Type.Integer({ minimum: 1, maximum: 99 }), product: ProductSchema },
  { additionalProperties: false },
);
export type CartItem = Static<typeof CartItemSchema>;

export const CartSchema = Type.Array(CartItemSchema);

export const CartChangedSchema = Type.Object(
  {
    success: Type.Literal(true),
    cart: CartSchema,
    itemCount: Type.Integer({ description: 'sum of quantities' }),
    total: Type.Number({
      description: 'major units, display only: checkout always re-prices from the catalog',
    }),
    totalMinor: Type.Integer(),
    currency: Type.String(),
  },
  { additionalProperties: false },
);
export type CartChanged = Static<typeof CartChangedSchema>;

export const CartHeaders = Type.Object(
  {
    'x-cart-id': Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{16,128}$',
        description: 'anonymous cart id set by the gateway',
      }),
    ),
  },
  { additionalProperties: true },
);

export const AddItemBody = Type.Object(
  {
    productId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    quantity: Type.Integer({ minimum: 1, maximum: 99, default: 1 }),
  },
  { additionalProperties: false },
);
export type AddItemBody = Static<typeof AddItemBody>;

export const SetQuantityBody = Type.Object(
  { quantity: Type.Integer({ minimum: 0, maximum: 99, description: '0 removes the item' }) },
  { additionalProperties: false },
);

export const ProductIdParams = Type.Object(
  { productId: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { additionalProperties: false },
);

export const MergeResultSchema = Type.Object(
  {
    ...CartChangedSchema.properties,
    merged: Type.Integer({ description: 'lines moved from the anonymous cart' }),
    dropped: Type.Integer({
      description: 'lines of the anonymous cart left out because the cart holds at most 50 products',
    }),
  },
  { additionalProperties: false },
);
