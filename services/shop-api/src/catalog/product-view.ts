import { describeStock } from './availability.ts';
import { toMajor } from '../lib/money.ts';
import type { ProductRow } from './products-repository.ts';
import type { Product } from './schemas.ts';

export function toProduct(row: ProductRow, available: number | undefined): Product {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    icon: row.icon,
    image: row.image,
    price: toMajor(row.price_minor),
    priceMinor: row.price_minor,
    currency: row.currency.trim(),
    ...describeStock(available),
  };
}
