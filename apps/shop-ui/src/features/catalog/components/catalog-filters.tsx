import { useEffect, useState } from 'react';
import { useDebouncedValue } from '../../../lib/use-async.ts';
import type { SortOrder } from '../api/products.ts';
import { capitalize } from './product-visual.tsx';

/** Products per page the shopper may pick; anything else in the URL falls back to the default. */
export const PAGE_SIZES = [6, 12, 24];
export const DEFAULT_PAGE_SIZE = 12;

type Props = {
  search: string;
  category: string;
  sort: SortOrder;
  pageSize: number;
  categories: string[];
  onChange: (next: { search?: string; category?: string; sort?: SortOrder; pageSize?: string }) => void;
  onReset: () => void;
};

const SEARCH_DEBOUNCE_MS = 300;

export function CatalogFilters({ search, category, sort, pageSize, categories, onChange, onReset }: Props) {
  // Typing updates the field at once; the query (and the URL) follows after a pause.
  const [text, setText] = useState(search);
  const debounced = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  useEffect(() => setText(search), [search]);
  useEffect(() => {
    if (debounced !== search) onChange({ search: debounced });
    // onChange/search deliberately omitted: only a settled new text triggers a query.
  }, [debounced]);

  return (
    <form className="filters" role="search" aria-label="Filter products" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="search">Search</label>
        <input
          id="search"
          type="search"
          data-testid="search-input"
          placeholder="Search products…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="category">Category</label>
        <select
          id="category"
          data-testid="category-filter"
          value={category}
          onChange={(e) => onChange({ category: e.target.value })}
        >
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {capitalize(c)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="sort">Sort by</label>
        <select
          id="sort"
          data-testid="sort-filter"
          value={sort}
          onChange={(e) => onChange({ sort: e.target.value as SortOrder })}
        >
          <option value="">Featured</option>
          <option value="price-asc">Price: low to high</option>
          <option value="price-desc">Price: high to low</option>
          <option value="name">Name: A–Z</option>
        </select>
      </div>
      <div className="field field--narrow">
        <label htmlFor="page-size">Per page</label>
        <select
          id="page-size"
          data-testid="page-size"
          value={String(pageSize)}
          // The default stays out of the URL, so the plain shop address remains the canonical one.
          onChange={(e) =>
            onChange({ pageSize: Number(e.target.value) === DEFAULT_PAGE_SIZE ? '' : e.target.value })
          }
        >
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className="button button--secondary"
        data-testid="reset-filters"
        onClick={() => {
          setText('');
          onReset();
        }}
      >
        Reset
      </button>
    </form>
  );
}
