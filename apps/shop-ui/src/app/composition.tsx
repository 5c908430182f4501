// Where features meet. Features never import each other; the app wires one feature's callback
// into another's component (the catalog's "Add to cart" calls the cart; checkout reads the cart).
import { useCallback } from 'react';
import { CartProvider, useCart } from '../features/cart/components/cart-provider.tsx';
import { CatalogPage } from '../features/catalog/components/catalog-page.tsx';
import { ProductDetailPage } from '../features/catalog/components/product-detail-page.tsx';
import type { Product } from '../features/catalog/api/products.ts';
import { CheckoutPage } from '../features/checkout/components/checkout-page.tsx';
import { Loading } from '../components/status.tsx';
import { describeError } from '../lib/api-error.ts';
import { useAuth } from '../lib/auth.tsx';
import { useToast } from '../lib/toast.tsx';
import type { ReactNode } from 'react';

function useAddToCart() {
  const cart = useCart();
  const toast = useToast();
  return useCallback(
    async (product: Product) => {
      try {
        await cart.add(product.id, 1);
        toast.notify(`${product.name} added to your cart.`);
      } catch (e) {
        toast.notify(describeError(e, `${product.name} could not be added.`), 'error');
      }
    },
    [cart, toast],
  );
}

export function CatalogRoute() {
  return <CatalogPage onAddToCart={useAddToCart()} />;
}

export function ProductRoute() {
  return <ProductDetailPage onAddToCart={useAddToCart()} />;
}

export function CheckoutRoute() {
  const cart = useCart();
  if (!cart.cart) return <Loading label="Loading your cart…" />;
  return <CheckoutPage cart={cart.cart} onOrderPlaced={cart.clear} onCartStale={() => void cart.reload()} />;
}

/** The cart follows the session: a login merges the visitor's cart, a logout starts afresh. */
export function SessionCart({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const key = auth.status === 'loading' ? 'loading' : (auth.user?.id ?? 'anonymous');
  return <CartProvider sessionKey={key}>{children}</CartProvider>;
}
