// Holds the server cart for the header badge, the cart page and checkout. It reloads whenever the
// session changes (login merges the visitor's cart into the user's; logout starts a new one).
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { addCartItem, getCart, removeCartItem, setCartItemQuantity } from '../api/cart.ts';
import type { Cart } from '../api/cart.ts';
import { newestAnswer } from '../../../lib/newest-answer.ts';

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
  // A load still in flight when the shopper adds an item must not put the older cart back.
  const [answers] = useState(newestAnswer);

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      await answers.request(getCart, setCart);
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [answers]);

  useEffect(() => {
    if (sessionKey !== 'loading') void reload();
  }, [sessionKey, reload]);

  const value = useMemo<CartState>(
    () => ({
      cart,
      error,
      loading,
      reload,
      add: (productId, quantity = 1) => answers.request(() => addCartItem(productId, quantity), setCart),
      setQuantity: (productId, quantity) =>
        answers.request(
          () => (quantity < 1 ? removeCartItem(productId) : setCartItemQuantity(productId, quantity)),
          setCart,
        ),
      remove: (productId) => answers.request(() => removeCartItem(productId), setCart),
      clear: () => {
        answers.supersede();
        setCart((c) => (c ? { items: [], total: { ...c.total, amount: 0 }, itemCount: 0 } : c));
      },
    }),
    [answers, cart, error, loading, reload],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartState {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}
