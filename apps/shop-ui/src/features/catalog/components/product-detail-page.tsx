import { Link, useParams } from 'react-router';
import { Page } from '../../../components/page.tsx';
import { ErrorMessage, Loading } from '../../../components/status.tsx';
import { paths } from '../../../config/paths.ts';
import { ApiError } from '../../../lib/api-error.ts';
import { formatMoney } from '../../../lib/money.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { getProduct } from '../api/products.ts';
import { AddToCartButton } from './add-to-cart-button.tsx';
import type { AddToCart } from './add-to-cart-button.tsx';
import { ProductVisual, capitalize } from './product-visual.tsx';
import { StockLabel } from './stock-label.tsx';

export function ProductDetailPage({ onAddToCart }: { onAddToCart: AddToCart }) {
  const { productId = '' } = useParams();
  const product = useAsync((signal) => getProduct(productId, signal), [productId]);

  if (product.status === 'loading') return <Loading label="Loading product…" />;
  if (product.status === 'error') {
    const notFound =
      product.error instanceof ApiError && (product.error.status === 404 || product.error.status === 400);
    return (
      <Page title={notFound ? 'Product not found' : 'Product'}>
        {notFound ? (
          <p data-testid="product-not-found">This product does not exist (any more).</p>
        ) : (
          <ErrorMessage error={product.error} onRetry={product.reload} />
        )}
        <Link to={paths.home.to()}>Back to products</Link>
      </Page>
    );
  }
  const p = product.data;
  return (
    <Page title={p.name}>
      <article className="product-detail card" data-testid="product-detail">
        <ProductVisual icon={p.icon} large />
        <div className="product-detail__body">
          <span className="badge">{capitalize(p.category)}</span>
          {p.description && <p>{p.description}</p>}
          <p className="price price--large" data-testid="product-detail-price">
            {formatMoney(p.price)}
          </p>
          <StockLabel product={p} testId="product-detail-stock" />
          <AddToCartButton product={p} onAdd={onAddToCart} />
          <p>
            <Link to={paths.home.to()}>Back to products</Link>
          </p>
        </div>
      </article>
    </Page>
  );
}
