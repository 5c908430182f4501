import type { Product } from '../api/products.ts';

const LABELS = {
  in_stock: 'In stock',
  low_stock: 'Only a few left',
  out_of_stock: 'Out of stock',
  unknown: 'Availability unknown',
} as const;

export function StockLabel({ product, testId }: { product: Product; testId?: string }) {
  const units =
    product.stock !== null && product.availability !== 'out_of_stock' ? ` (${product.stock})` : '';
  return (
    <p className={`stock stock--${product.availability}`} data-testid={testId}>
      {LABELS[product.availability]}
      {units}
    </p>
  );
}
