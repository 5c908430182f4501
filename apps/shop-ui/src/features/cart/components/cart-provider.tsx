// Holds the server cart for the header badge, the cart page and checkout. It reloads whenever the
// session changes (login merges the visitor's cart into the user's; logout starts a new one).
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { addCartItem, getCart, removeCartItem, setCartItemQuantity } from '../api/cart.ts';
import type { Cart } from '../api/cart.ts';

type CartState = {
  cart: Cart | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  add: (productId: number, quantity?: number) => Promise<void>;
  setQuantity: (productId: number, quantity: number) => Promise<void>;
  remove: (productId: number) => Promise<void>;
  /** After a successful checkout the server has emptied the cart. */
  clear: () => void;
};

const CartContext = createContext<CartState | undefined>(undefined);

export function CartProvider({ sessionKey, children }: { sessionKey: string; children: ReactNode }) {
  const [cart, setCart] = useState<Cart | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setCart(await getCart());
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (sessionKey !== 'loading') void reload();
  }, [sessionKey, reload]);

  const value = useMemo<CartState>(
    () => ({
      cart,
      error,
      loading,
      reload,
      add: async (productId, quantity = 1) => setCart(await addCartItem(productId, quantity)),
      setQuantity: async (productId, quantity) =>
        setCart(await (quantity < 1 ? removeCartItem(productId) : setCartItemQuantity(productId, quantity))),
      remove: async (productId) => setCart(await removeCartItem(productId)),
      clear: () => setCart((c) => (c ? { items: [], total: { ...c.total, amount: 0 }, itemCount: 0 } : c)),
    }),
    [cart, error, loading, reload],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartState {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}
