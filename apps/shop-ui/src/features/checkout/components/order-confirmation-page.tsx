import { Link, useParams } from 'react-router';
import { Page } from '../../../components/page.tsx';
import { ErrorMessage, Loading } from '../../../components/status.tsx';
import { paths } from '../../../config/paths.ts';
import { formatMoney } from '../../../lib/money.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { getPlacedOrder } from '../api/checkout.ts';

export function OrderConfirmationPage() {
  const { orderId = '' } = useParams();
  const order = useAsync((signal) => getPlacedOrder(orderId, signal), [orderId]);
  if (order.status === 'loading') return <Loading label="Loading your order…" />;
  if (order.status === 'error') return <ErrorMessage error={order.error} onRetry={order.reload} />;
  const o = order.data;
  return (
    <Page title="Thank you for your order!">
      <div className="card confirmation" data-testid="order-confirmation">
        <p>
          Order <strong data-testid="order-number">#{o.id}</strong> is{' '}
          <span className={`status-badge status-badge--${o.status}`} data-testid="order-status">
            {o.status}
          </span>
          .
        </p>
        <p>
          Total paid: <strong data-testid="confirmation-total">{formatMoney(o.total)}</strong>
        </p>
        <p className="muted">A confirmation e-mail is on its way.</p>
        <div className="actions">
          <Link className="button" to={paths.order.to(o.id)} data-testid="view-order">
            View order
          </Link>
          <Link className="button button--secondary" to={paths.orders.to()}>
            All orders
          </Link>
          <Link className="button button--secondary" to={paths.home.to()}>
            Continue shopping
          </Link>
        </div>
      </div>
    </Page>
  );
}
