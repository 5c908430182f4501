import { useState } from 'react';
import type { Product } from '../api/products.ts';
import { isSoldOut } from '../api/products.ts';

export type AddToCart = (product: Product) => Promise<void>;

export function AddToCartButton({ product, onAdd }: { product: Product; onAdd: AddToCart }) {
  const [busy, setBusy] = useState(false);
  const soldOut = isSoldOut(product);
  return (
    <button
      type="button"
      className="button"
      data-testid={`add-to-cart-${product.id}`}
      disabled={soldOut || busy}
      aria-label={soldOut ? `${product.name} is out of stock` : `Add ${product.name} to cart`}
      onClick={async () => {
        setBusy(true);
        try {
          await onAdd(product);
        } finally {
          setBusy(false);
        }
      }}
    >
      {soldOut ? 'Out of stock' : busy ? 'Adding…' : 'Add to cart'}
    </button>
  );
}
