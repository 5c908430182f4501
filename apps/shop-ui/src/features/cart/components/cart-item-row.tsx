import { useState } from 'react';
import { formatMoney } from '../../../lib/money.ts';
import type { CartLine } from '../api/cart.ts';

type Props = {
  line: CartLine;
  onQuantity: (productId: number, quantity: number) => Promise<void>;
  onRemove: (productId: number) => Promise<void>;
};

export function CartItemRow({ line, onQuantity, onRemove }: Props) {
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  const id = line.productId;
  return (
    <li className="cart-item card" data-testid={`cart-item-${id}`}>
      <div className="cart-item__info">
        <h2 className="cart-item__name">{line.name}</h2>
        <p className="muted">
          <span data-testid={`unit-price-${id}`}>{formatMoney(line.unitPrice)}</span> each
        </p>
      </div>
      <div className="quantity" role="group" aria-label={`Quantity of ${line.name}`}>
        <button
          type="button"
          className="button button--icon"
          data-testid={`decrease-${id}`}
          aria-label={line.quantity <= 1 ? `Remove ${line.name}` : `Decrease quantity of ${line.name}`}
          disabled={busy}
          onClick={() => run(() => onQuantity(id, line.quantity - 1))}
        >
          −
        </button>
        <span className="quantity__value" data-testid={`quantity-${id}`} aria-live="polite">
          {line.quantity}
        </span>
        <button
          type="button"
          className="button button--icon"
          data-testid={`increase-${id}`}
          aria-label={`Increase quantity of ${line.name}`}
          disabled={busy}
          onClick={() => run(() => onQuantity(id, line.quantity + 1))}
        >
          +
        </button>
      </div>
      <p className="cart-item__total" data-testid={`line-total-${id}`}>
        {formatMoney(line.lineTotal)}
      </p>
      <button
        type="button"
        className="button button--link"
        data-testid={`remove-${id}`}
        aria-label={`Remove ${line.name} from cart`}
        disabled={busy}
        onClick={() => run(() => onRemove(id))}
      >
        Remove
      </button>
    </li>
  );
}
