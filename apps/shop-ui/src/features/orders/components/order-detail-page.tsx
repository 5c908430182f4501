import { Link, useParams } from 'react-router';
import { Page } from '../../../components/page.tsx';
import { ErrorMessage, Loading } from '../../../components/status.tsx';
import { paths } from '../../../config/paths.ts';
import { ApiError } from '../../../lib/api-error.ts';
import { formatMoney } from '../../../lib/money.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { getOrder } from '../api/orders.ts';
import { PAYMENT_LABELS, formatDate, humanize } from './order-format.ts';
import { OrderStatus } from './order-status.tsx';

export function OrderDetailPage() {
  const { orderId = '' } = useParams();
  const order = useAsync((signal) => getOrder(orderId, signal), [orderId]);
  if (order.status === 'loading') return <Loading label="Loading order…" />;
  if (order.status === 'error') {
    const missing =
      order.error instanceof ApiError && (order.error.status === 404 || order.error.status === 400);
    return (
      <Page title={missing ? 'Order not found' : 'Order'}>
        {missing ? (
          <p data-testid="order-not-found">We could not find this order.</p>
        ) : (
          <ErrorMessage error={order.error} />
        )}
        <Link to={paths.orders.to()}>Back to my orders</Link>
      </Page>
    );
  }
  const o = order.data;
  const address = o.shippingAddress;
  return (
    <Page title={`Order #${o.id}`}>
      <div className="card order-detail" data-testid="order-detail">
        <dl className="details">
          <dt>Status</dt>
          <dd>
            <OrderStatus status={o.status} testId="order-detail-status" />
          </dd>
          {o.reason && (
            <>
              <dt>Reason</dt>
              <dd data-testid="order-detail-reason">
                {humanize(o.reason)}
                {o.detail && <span className="muted"> ({humanize(o.detail)})</span>}
              </dd>
            </>
          )}
          <dt>Placed</dt>
          <dd>{formatDate(o.createdAt)}</dd>
          <dt>Payment</dt>
          <dd>{PAYMENT_LABELS[o.paymentMethod] ?? o.paymentMethod}</dd>
          <dt>Ship to</dt>
          <dd>
            {address.firstName} {address.lastName}, {address.address}, {address.zipCode} {address.city}
          </dd>
        </dl>
        <table className="table">
          <caption className="visually-hidden">Items in this order</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Quantity</th>
              <th scope="col">Unit price</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {o.items.map((i) => (
              <tr key={i.productId}>
                <td>{i.productName}</td>
                <td>{i.quantity}</td>
                <td>{formatMoney(i.unitPrice)}</td>
                <td>{formatMoney(i.lineTotal)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                Total
              </th>
              <td data-testid="order-detail-total">{formatMoney(o.total)}</td>
            </tr>
          </tfoot>
        </table>
        {o.history.length > 0 && (
          <>
            <h2 className="section-title">History</h2>
            <ol className="history" data-testid="order-history">
              {o.history.map((h, index) => (
                <li key={index}>
                  <strong>{humanize(h.status)}</strong>
                  {h.reason && ` — ${humanize(h.reason)}`} <span className="muted">{formatDate(h.at)}</span>
                </li>
              ))}
            </ol>
          </>
        )}
        <p>
          <Link to={paths.orders.to()}>Back to my orders</Link>
        </p>
      </div>
    </Page>
  );
}
