// One form for creating and editing a product. Test ids keep the original UI's names
// (create-name … / edit-name …, submit-create / submit-edit). Editing sends `stock` only when the
// admin changed the on-hand figure, together with the figure it started from.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, describeError } from '../../../lib/api-error.ts';
import { parseMoneyInput, toMoneyInput } from '../../../lib/money.ts';
import type { AdminProduct, ProductInput } from '../api/admin-products.ts';

type Props = {
  mode: 'create' | 'edit';
  product?: AdminProduct;
  /** Edit only: on-hand units read from inventory; null when inventory could not be read. */
  stockOnHand?: number | null;
  categories: string[];
  currency: string;
  onSubmit: (input: ProductInput) => Promise<void>;
  onCancel: () => void;
};

export function ProductForm({ mode, product, stockOnHand, categories, currency, onSubmit, onCancel }: Props) {
  const [name, setName] = useState(product?.name ?? '');
  const [price, setPrice] = useState(product ? toMoneyInput(product.price) : '');
  const [category, setCategory] = useState(product?.category ?? categories[0] ?? '');
  const stockLocked = mode === 'edit' && (stockOnHand === null || stockOnHand === undefined);
  const [stock, setStock] = useState(typeof stockOnHand === 'number' ? String(stockOnHand) : '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [image, setImage] = useState(product?.image ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const id = (field: string) => `${mode}-${field}`;

  const stockChange = (stockValue: number | undefined): Pick<ProductInput, 'stock' | 'expectedStock'> => {
    if (stockValue === undefined || stockLocked) return {};
    if (mode === 'create') return { stock: stockValue };
    if (stockValue === stockOnHand) return {};
    return { stock: stockValue, expectedStock: stockOnHand ?? undefined };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const priceMinor = parseMoneyInput(price, currency);
    const stockValue = stock.trim() === '' ? undefined : Number(stock);
    if (!name.trim()) return setError('Name is required.');
    if (priceMinor === undefined || priceMinor <= 0)
      return setError('Price must be a positive amount with at most two decimals.');
    if (!category) return setError('Category is required.');
    if (stockValue !== undefined && (!Number.isInteger(stockValue) || stockValue < 0)) {
      return setError('Stock must be a whole number, 0 or more.');
    }
    if (image.trim() && !/^https:\/\/\S+$/.test(image.trim()))
      return setError('Image must be an https:// URL.');
    setError(undefined);
    setBusy(true);
    try {
      await onSubmit({
        name: name.trim(),
        description: description.trim(),
        category,
        priceMinor,
        ...stockChange(stockValue),
        image: image.trim() || null,
      });
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'SHOP_STOCK_CHANGED'
          ? 'The stock changed while this form was open (an order or another admin). Close it and edit again to start from the current figure.'
          : describeError(e, 'The product could not be saved.'),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="product-form" onSubmit={submit} noValidate>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={id('name')}>Name</label>
          <input
            id={id('name')}
            data-testid={id('name')}
            required
            maxLength={120}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={id('price')}>Price ({currency})</label>
          <input
            id={id('price')}
            data-testid={id('price')}
            inputMode="decimal"
            required
            value={price}
            onChange={(e) => setPrice(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={id('category')}>Category</label>
          <select
            id={id('category')}
            data-testid={id('category')}
            value={category}
            onChange={(e) => setCategory(e.target.value)}
          >
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={id('stock')}>Stock on hand</label>
          <input
            id={id('stock')}
            data-testid={id('stock')}
            inputMode="numeric"
            value={stock}
            disabled={stockLocked}
            aria-describedby={stockLocked ? id('stock-unavailable') : undefined}
            onChange={(e) => setStock(e.target.value)}
          />
          {stockLocked && (
            <p className="muted" id={id('stock-unavailable')} data-testid={id('stock-unavailable')}>
              Inventory cannot be read right now, so stock stays as it is.
            </p>
          )}
        </div>
        <div className="field field--wide">
          <label htmlFor={id('description')}>Description</label>
          <textarea
            id={id('description')}
            data-testid={id('description')}
            maxLength={2000}
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <div className="field field--wide">
          <label htmlFor={id('image')}>Image URL (optional, https)</label>
          <input
            id={id('image')}
            data-testid={id('image')}
            type="url"
            value={image}
            onChange={(e) => setImage(e.target.value)}
          />
        </div>
      </div>
      {error && (
        <p className="alert alert--error" role="alert" data-testid={`${mode}-error`}>
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button" data-testid={`submit-${mode}`} disabled={busy}>
          {busy ? 'Saving…' : mode === 'create' ? 'Create product' : 'Save changes'}
        </button>
        <button
          type="button"
          className="button button--secondary"
          data-testid={`cancel-${mode}`}
          onClick={onCancel}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
