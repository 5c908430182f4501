import { defineError } from '@mockmart/service-kit';

/**
 * Every error shop-api answers with, by stable code (listed in docs/errors.md; never renamed).
 * Throw with a detail for the human and extra fields for the client:
 * `throw new OutOfStock('2 items are not available', { extensions: { orderId, unavailable } })`.
 * 5xx answers are masked by the kit: only title and code reach the client.
 */

// Catalog
export const ProductNotFound = defineError('SHOP_PRODUCT_NOT_FOUND', 404, 'Product not found');
export const ProductNameTaken = defineError('SHOP_PRODUCT_NAME_TAKEN', 409, 'Product name already in use');
export const UnknownCategory = defineError('SHOP_UNKNOWN_CATEGORY', 400, 'Unknown category');
export const InvalidPrice = defineError('SHOP_INVALID_PRICE', 400, 'Invalid price');
export const StockChanged = defineError('SHOP_STOCK_CHANGED', 409, 'On-hand stock changed since it was read');

// Cart
export const CartOwnerMissing = defineError('SHOP_CART_OWNER_MISSING', 401, 'Sign in or send a cart id');
export const CartItemNotFound = defineError('SHOP_CART_ITEM_NOT_FOUND', 404, 'Item not found in cart');
export const CartQuantityLimit = defineError('SHOP_CART_QUANTITY_LIMIT', 400, 'Quantity limit exceeded');
export const CartTooManyItems = defineError(
  'SHOP_CART_TOO_MANY_ITEMS',
  400,
  'Too many different items in the cart',
);

// Checkout
export const CartEmpty = defineError('SHOP_CART_EMPTY', 400, 'Cart is empty');
export const CheckoutForbidden = defineError(
  'SHOP_CHECKOUT_FORBIDDEN',
  403,
  'You are not authorized to checkout',
);
export const PaymentDeclined = defineError('SHOP_PAYMENT_DECLINED', 402, 'Payment declined');
export const OutOfStock = defineError('SHOP_OUT_OF_STOCK', 409, 'Some items are not available in stock');
export const DependencyUnavailable = defineError(
  'SHOP_DEPENDENCY_UNAVAILABLE',
  503,
  'A service needed for this request is unavailable',
);
export const IdempotencyMismatch = defineError(
  'SHOP_IDEMPOTENCY_MISMATCH',
  422,
  'Idempotency-Key reused with a different request',
);
export const IdempotencyInProgress = defineError(
  'SHOP_IDEMPOTENCY_IN_PROGRESS',
  409,
  'A request with this Idempotency-Key is still in progress',
);

// Orders
export const OrderNotFound = defineError('SHOP_ORDER_NOT_FOUND', 404, 'Order not found');
export const OrderNotCancellable = defineError(
  'SHOP_ORDER_NOT_CANCELLABLE',
  409,
  'Order cannot be cancelled in its current state',
);

// Admin forwarding
export const UpstreamRejected = defineError(
  'SHOP_UPSTREAM_REJECTED',
  502,
  'A downstream service rejected the request',
);
