import { useState } from 'react';
import { Page } from '../../../components/page.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/status.tsx';
import { describeError } from '../../../lib/api-error.ts';
import { formatMoney } from '../../../lib/money.ts';
import { useToast } from '../../../lib/toast.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { cancelOrder, listAllOrders } from '../api/admin-operations.ts';
import type { AdminOrder } from '../api/admin-operations.ts';
import { Dialog } from './dialog.tsx';

const CANCELLABLE = new Set(['pending', 'reserved', 'paid', 'confirmed']);

export function AdminOrdersPage() {
  const toast = useToast();
  const orders = useAsync((signal) => listAllOrders(signal), []);
  const [cancelling, setCancelling] = useState<AdminOrder | undefined>(undefined);

  const confirmCancel = async () => {
    if (!cancelling) return;
    try {
      await cancelOrder(cancelling.id, 'cancelled from the admin page');
      toast.notify(
        cancelling.status === 'confirmed'
          ? `Order #${cancelling.id} refunded.`
          : `Order #${cancelling.id} cancelled.`,
      );
      orders.reload();
    } catch (e) {
      toast.notify(describeError(e, 'The order could not be cancelled.'), 'error');
    } finally {
      setCancelling(undefined);
    }
  };

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
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.data.map((o) => (
                <tr key={o.id} data-testid={`admin-order-${o.id}`}>
                  <td>#{o.id}</td>
                  <td className="mono">{o.userId}</td>
                  <td>
                    <span
                      className={`status-badge status-badge--${o.status}`}
                      data-testid={`admin-order-status-${o.id}`}
                    >
                      {o.status}
                    </span>
                  </td>
                  <td>{o.reason ?? '—'}</td>
                  <td>{formatMoney(o.total)}</td>
                  <td>{new Date(o.createdAt).toLocaleString('en-IE')}</td>
                  <td className="table__actions">
                    {CANCELLABLE.has(o.status) && (
                      <button
                        type="button"
                        className="button button--danger"
                        data-testid={`cancel-order-${o.id}`}
                        onClick={() => setCancelling(o)}
                      >
                        {o.status === 'confirmed' ? 'Refund' : 'Cancel'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cancelling && (
        <Dialog
          title={
            cancelling.status === 'confirmed'
              ? `Refund order #${cancelling.id}?`
              : `Cancel order #${cancelling.id}?`
          }
          onClose={() => setCancelling(undefined)}
        >
          <p>
            {cancelling.status === 'confirmed'
              ? `The customer gets ${formatMoney(cancelling.total)} back and the stock returns to inventory.`
              : 'The stock hold is released and any charge is refunded.'}
          </p>
          <div className="actions">
            <button
              type="button"
              className="button button--danger"
              data-testid="confirm-cancel-order"
              onClick={confirmCancel}
            >
              {cancelling.status === 'confirmed' ? 'Refund' : 'Cancel order'}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setCancelling(undefined)}
            >
              Keep it
            </button>
          </div>
        </Dialog>
      )}
    </Page>
  );
}
