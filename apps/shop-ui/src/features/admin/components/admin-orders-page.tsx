import { Page } from '../../../components/page.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/status.tsx';
import { formatMoney } from '../../../lib/money.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { listAllOrders } from '../api/admin-operations.ts';

export function AdminOrdersPage() {
  const orders = useAsync((signal) => listAllOrders(signal), []);
  return (
    <Page
      title="All orders"
      actions={
        <button type="button" className="button button--secondary" onClick={orders.reload}>
          Refresh
        </button>
      }
    >
      {orders.status === 'loading' && !orders.data && <Loading label="Loading orders…" />}
      {orders.status === 'error' && <ErrorMessage error={orders.error} onRetry={orders.reload} />}
      {orders.data && orders.data.length === 0 && <Empty>No orders yet.</Empty>}
      {orders.data && orders.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="admin-orders-table">
            <caption className="visually-hidden">All orders</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Customer (sub)</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Total</th>
                <th scope="col">Placed</th>
              </tr>
            </thead>
            <tbody>
              {orders.data.map((o) => (
                <tr key={o.id} data-testid={`admin-order-${o.id}`}>
                  <td>#{o.id}</td>
                  <td className="mono">{o.userId}</td>
                  <td>
                    <span className={`status-badge status-badge--${o.status}`}>{o.status}</span>
                  </td>
                  <td>{o.reason ?? '—'}</td>
                  <td>{formatMoney(o.total)}</td>
                  <td>{new Date(o.createdAt).toLocaleString('en-IE')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
