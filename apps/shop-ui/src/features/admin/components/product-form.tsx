// One form for creating and editing a product. Test ids keep the original UI's names
// (create-name … / edit-name …, submit-create / submit-edit).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { describeError } from '../../../lib/api-error.ts';
import { parseMoneyInput, toMoneyInput } from '../../../lib/money.ts';
import type { AdminProduct, ProductInput } from '../api/admin-products.ts';

type Props = {
  mode: 'create' | 'edit';
  product?: AdminProduct;
  categories: string[];
  currency: string;
  onSubmit: (input: ProductInput) => Promise<void>;
  onCancel: () => void;
};

export function ProductForm({ mode, product, categories, currency, onSubmit, onCancel }: Props) {
  const [name, setName] = useState(product?.name ?? '');
  const [price, setPrice] = useState(product ? toMoneyInput(product.price) : '');
  const [category, setCategory] = useState(product?.category ?? categories[0] ?? '');
  const [stock, setStock] = useState(
    product?.stock === null || product === undefined ? '' : String(product.stock),
  );
  const [description, setDescription] = useState(product?.description ?? '');
  const [image, setImage] = useState(product?.image ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const id = (field: string) => `${mode}-${field}`;

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
        ...(stockValue === undefined ? {} : { stock: stockValue }),
        image: image.trim() || null,
      });
    } catch (e) {
      setError(describeError(e, 'The product could not be saved.'));
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
            onChange={(e) => setStock(e.target.value)}
          />
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
