import type { ProductFilter, ProductRow } from './products-repository.ts';

const byId = (a: ProductRow, b: ProductRow) => a.id - b.id;
const ORDER: Record<NonNullable<ProductFilter['sort']>, (a: ProductRow, b: ProductRow) => number> = {
  'price-asc': (a, b) => a.price_minor - b.price_minor || byId(a, b),
  'price-desc': (a, b) => b.price_minor - a.price_minor || byId(a, b),
  name: (a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()) || byId(a, b),
};

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The catalog query over the in-memory catalog (rows by id): category, a case-insensitive
 * literal search in name and description, the original's sort orders, then the page.
 */
export function filterProducts(
  rows: readonly ProductRow[],
  filter: ProductFilter,
): { rows: ProductRow[]; total: number } {
  const search = filter.search ? filter.search.toLowerCase() : undefined;
  let found = rows.filter(
    (row) =>
      (filter.category === undefined || row.category === filter.category) &&
      (search === undefined ||
        row.name.toLowerCase().includes(search) ||
        row.description.toLowerCase().includes(search)),
  );
  if (filter.sort) found = found.toSorted(ORDER[filter.sort]);
  const total = found.length;
  if (filter.limit !== undefined)
    found = found.slice(filter.offset ?? 0, (filter.offset ?? 0) + filter.limit);
  return { rows: found, total };
}
