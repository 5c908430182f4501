// Editing a product starts from inventory's on-hand figure, not the catalogue's `stock` (units
// shoppers can still buy): saving the buyable figure as on-hand would quietly drop the units held
// for checkouts in flight. The figure read travels back as `expectedStock`, so a sale made while
// the form was open is refused (409) instead of overwritten.
import { Loading } from '../../../components/status.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { readOnHand } from '../api/admin-products.ts';
import type { AdminProduct, ProductInput } from '../api/admin-products.ts';
import { ProductForm } from './product-form.tsx';

type Props = {
  product: AdminProduct;
  categories: string[];
  onSubmit: (input: ProductInput) => Promise<void>;
  onCancel: () => void;
};

export function EditProduct({ product, categories, onSubmit, onCancel }: Props) {
  const onHand = useAsync((signal) => readOnHand(product.id, signal), [product.id]);
  if (onHand.status === 'loading') return <Loading label="Reading stock…" />;
  return (
    <ProductForm
      mode="edit"
      product={product}
      // When inventory cannot answer, the rest of the product stays editable; stock does not.
      stockOnHand={onHand.status === 'success' ? (onHand.data ?? null) : null}
      categories={categories.includes(product.category) ? categories : [product.category, ...categories]}
      currency={product.price.currency}
      onSubmit={onSubmit}
      onCancel={onCancel}
    />
  );
}
