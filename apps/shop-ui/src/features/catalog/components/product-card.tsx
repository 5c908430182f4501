import { Link } from 'react-router';
import { paths } from '../../../config/paths.ts';
import { formatMoney } from '../../../lib/money.ts';
import type { Product } from '../api/products.ts';
import { AddToCartButton } from './add-to-cart-button.tsx';
import type { AddToCart } from './add-to-cart-button.tsx';
import { ProductVisual, capitalize } from './product-visual.tsx';
import { StockLabel } from './stock-label.tsx';

export function ProductCard({ product, onAdd }: { product: Product; onAdd: AddToCart }) {
  return (
    <li className="card product-card" data-testid={`product-${product.id}`}>
      <ProductVisual icon={product.icon} />
      <span className="badge">{capitalize(product.category)}</span>
      <h2 className="product-card__name">
        <Link to={paths.product.to(product.id)} data-testid={`product-link-${product.id}`}>
          {product.name}
        </Link>
      </h2>
      {product.description && <p className="product-card__description">{product.description}</p>}
      <p className="price" data-testid={`product-price-${product.id}`}>
        {formatMoney(product.price)}
      </p>
      <StockLabel product={product} testId={`product-stock-${product.id}`} />
      <AddToCartButton product={product} onAdd={onAdd} />
    </li>
  );
}
