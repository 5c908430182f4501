import { useState } from 'react';
import { Page } from '../../../components/page.tsx';
import { ErrorMessage, Loading } from '../../../components/status.tsx';
import { env } from '../../../config/env.ts';
import { describeError } from '../../../lib/api-error.ts';
import { formatMoney } from '../../../lib/money.ts';
import { useToast } from '../../../lib/toast.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import {
  createProduct,
  deleteProduct,
  listAllProducts,
  listCategories,
  updateProduct,
} from '../api/admin-products.ts';
import type { AdminProduct } from '../api/admin-products.ts';
import { Dialog } from './dialog.tsx';
import { EditProduct } from './edit-product.tsx';
import { ProductForm } from './product-form.tsx';

export function AdminProductsPage() {
  const toast = useToast();
  const products = useAsync((signal) => listAllProducts(signal), []);
  const categories = useAsync((signal) => listCategories(signal), []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<AdminProduct | undefined>(undefined);
  const [deleting, setDeleting] = useState<AdminProduct | undefined>(undefined);
  const currency = products.data?.[0]?.price.currency ?? env.defaultCurrency;
  const categoryList = categories.data ?? [];

  const confirmDelete = async () => {
    if (!deleting) return;
    try {
      await deleteProduct(deleting.id);
      toast.notify(`Deleted “${deleting.name}”.`);
      products.reload();
    } catch (e) {
      toast.notify(describeError(e, 'The product could not be deleted.'), 'error');
    } finally {
      setDeleting(undefined);
    }
  };

  return (
    <Page
      title="Manage products"
      actions={
        <button
          type="button"
          className="button"
          data-testid="show-create-form"
          onClick={() => setCreating(true)}
        >
          New product
        </button>
      }
    >
      {creating && (
        <div className="card">
          <h2>New product</h2>
          <ProductForm
            mode="create"
            categories={categoryList}
            currency={currency}
            onCancel={() => setCreating(false)}
            onSubmit={async (input) => {
              const created = await createProduct(input);
              toast.notify(`Created “${created.name}”.`);
              setCreating(false);
              products.reload();
            }}
          />
        </div>
      )}
      {products.status === 'loading' && !products.data && <Loading label="Loading products…" />}
      {products.status === 'error' && <ErrorMessage error={products.error} onRetry={products.reload} />}
      {products.data && (
        <div className="table-wrap">
          <table className="table" data-testid="products-table">
            <caption className="visually-hidden">Products</caption>
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Name</th>
                <th scope="col">Category</th>
                <th scope="col">Price</th>
                <th scope="col">Stock</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {products.data.map((p) => (
                <tr key={p.id} data-testid={`product-row-${p.id}`}>
                  <td>{p.id}</td>
                  <td>
                    <span aria-hidden="true">{p.icon} </span>
                    {p.name}
                  </td>
                  <td>{p.category}</td>
                  <td data-testid={`product-row-price-${p.id}`}>{formatMoney(p.price)}</td>
                  <td data-testid={`product-row-stock-${p.id}`}>{p.stock ?? '—'}</td>
                  <td className="table__actions">
                    <button
                      type="button"
                      className="button button--secondary"
                      data-testid={`edit-${p.id}`}
                      aria-label={`Edit ${p.name}`}
                      onClick={() => setEditing(p)}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="button button--danger"
                      data-testid={`delete-${p.id}`}
                      aria-label={`Delete ${p.name}`}
                      onClick={() => setDeleting(p)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <Dialog title={`Edit “${editing.name}”`} onClose={() => setEditing(undefined)}>
          <EditProduct
            product={editing}
            categories={categoryList}
            onCancel={() => setEditing(undefined)}
            onSubmit={async (input) => {
              const saved = await updateProduct(editing.id, input);
              toast.notify(`Saved “${saved.name}”.`);
              setEditing(undefined);
              products.reload();
            }}
          />
        </Dialog>
      )}
      {deleting && (
        <Dialog title="Delete product?" onClose={() => setDeleting(undefined)}>
          <p>
            “{deleting.name}” will be removed from the catalogue. Orders already placed keep their own copy.
          </p>
          <div className="actions">
            <button
              type="button"
              className="button button--danger"
              data-testid="confirm-delete"
              onClick={confirmDelete}
            >
              Delete
            </button>
            <button
              type="button"
              className="button button--secondary"
              data-testid="cancel-delete"
              onClick={() => setDeleting(undefined)}
            >
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </Page>
  );
}
