// The product list. Filters live in the URL (?search=&category=&sort=&pageSize=&page=) so a
// filtered view can be shared, reloaded and navigated with the back button.
import { useSearchParams } from 'react-router';
import { Page } from '../../../components/page.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/status.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { listCategories, listProducts } from '../api/products.ts';
import type { SortOrder } from '../api/products.ts';
import type { AddToCart } from './add-to-cart-button.tsx';
import { CatalogFilters, DEFAULT_PAGE_SIZE, PAGE_SIZES } from './catalog-filters.tsx';
import { Pagination } from './pagination.tsx';
import { ProductCard } from './product-card.tsx';

const SORTS: SortOrder[] = ['', 'price-asc', 'price-desc', 'name'];

export function CatalogPage({ onAddToCart }: { onAddToCart: AddToCart }) {
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const category = params.get('category') ?? '';
  const sortParam = (params.get('sort') ?? '') as SortOrder;
  const sort = SORTS.includes(sortParam) ? sortParam : '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const sizeParam = Number(params.get('pageSize'));
  const pageSize = PAGE_SIZES.includes(sizeParam) ? sizeParam : DEFAULT_PAGE_SIZE;

  const categories = useAsync((signal) => listCategories(signal), []);
  const products = useAsync(
    (signal) => listProducts({ search, category, sort, page, pageSize }, signal),
    [search, category, sort, page, pageSize],
  );

  const update = (next: Record<string, string | undefined>, keepPage = false) => {
    // Merged into the address as it is now, not as this render saw it: the router applies a change
    // of the URL in a transition, so a second change right after a first one (Reset, then a sort)
    // could run before the re-render and bring the filters the first one had cleared back.
    const merged = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(next)) {
      if (value) merged.set(key, value);
      else merged.delete(key);
    }
    if (!keepPage) merged.delete('page');
    setParams(merged, { replace: !('page' in next) });
  };

  const pageCount = products.data ? Math.max(1, Math.ceil(products.data.total / products.data.pageSize)) : 1;

  return (
    <Page title="Products">
      <CatalogFilters
        search={search}
        category={category}
        sort={sort}
        pageSize={pageSize}
        categories={categories.data ?? []}
        onChange={(next) => update(next)}
        onReset={() => setParams(new URLSearchParams(), { replace: true })}
      />
      {products.status === 'loading' && !products.data && <Loading label="Loading products…" />}
      {products.status === 'error' && (
        <ErrorMessage
          error={products.error}
          onRetry={products.reload}
          fallback="The products could not be loaded."
        />
      )}
      {products.data && products.data.items.length === 0 && <Empty>No products found.</Empty>}
      {products.data && products.data.items.length > 0 && (
        <>
          <p className="muted" aria-live="polite" data-testid="result-count">
            {products.data.total} {products.data.total === 1 ? 'product' : 'products'}
          </p>
          <ul className="product-grid" aria-busy={products.status === 'loading'}>
            {products.data.items.map((p) => (
              <ProductCard key={p.id} product={p} onAdd={onAddToCart} />
            ))}
          </ul>
          <Pagination page={page} pageCount={pageCount} onPage={(p) => update({ page: String(p) }, true)} />
        </>
      )}
    </Page>
  );
}
