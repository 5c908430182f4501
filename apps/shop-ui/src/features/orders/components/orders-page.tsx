import { Link } from 'react-router';
import { Page } from '../../../components/page.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/status.tsx';
import { paths } from '../../../config/paths.ts';
import { formatMoney } from '../../../lib/money.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { listOrders } from '../api/orders.ts';
import { formatDate, humanize } from './order-format.ts';
import { OrderStatus } from './order-status.tsx';

export function OrdersPage() {
  const orders = useAsync((signal) => listOrders(signal), []);
  return (
    <Page title="My orders">
      {orders.status === 'loading' && <Loading label="Loading your orders…" />}
      {orders.status === 'error' && <ErrorMessage error={orders.error} onRetry={orders.reload} />}
      {orders.status === 'success' && orders.data.length === 0 && (
        <Empty>
          <p>You have no orders yet.</p>
        </Empty>
      )}
      {orders.status === 'success' && orders.data.length > 0 && (
        <ul className="order-list">
          {orders.data.map((o) => (
            <li key={o.id} className="card order-card" data-testid={`order-${o.id}`}>
              <div className="order-card__head">
                <h2>
                  <Link to={paths.order.to(o.id)} data-testid={`order-number-${o.id}`}>
                    Order #{o.id}
                  </Link>
                </h2>
                <OrderStatus status={o.status} testId={`order-status-${o.id}`} />
              </div>
              <p className="muted">{formatDate(o.createdAt)}</p>
              {o.reason && <p data-testid={`order-reason-${o.id}`}>Reason: {humanize(o.reason)}</p>}
              <p>
                {o.items.reduce((n, i) => n + i.quantity, 0)} items ·{' '}
                <strong data-testid={`order-total-${o.id}`}>{formatMoney(o.total)}</strong>
              </p>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
