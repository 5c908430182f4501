// The development mailbox: every mail the notification service produced, newest first.
import { useSearchParams } from 'react-router';
import { Page } from '../../../components/page.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/status.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { listMail } from '../api/admin-operations.ts';

export function MailboxPage() {
  const [params, setParams] = useSearchParams();
  const orderId = params.get('orderId') ?? '';
  const mail = useAsync((signal) => listMail(orderId, signal), [orderId]);
  return (
    <Page
      title="Mailbox"
      actions={
        <button
          type="button"
          className="button button--secondary"
          data-testid="mailbox-refresh"
          onClick={mail.reload}
        >
          Refresh
        </button>
      }
    >
      <form
        className="filters"
        role="search"
        aria-label="Filter mail"
        onSubmit={(e) => {
          e.preventDefault();
          const value = String(new FormData(e.currentTarget).get('orderId') ?? '').trim();
          setParams(value ? { orderId: value } : {});
        }}
      >
        <div className="field">
          <label htmlFor="mail-order">Order number</label>
          <input
            id="mail-order"
            name="orderId"
            inputMode="numeric"
            defaultValue={orderId}
            data-testid="mailbox-order-filter"
          />
        </div>
        <button type="submit" className="button button--secondary">
          Filter
        </button>
      </form>
      {mail.status === 'loading' && !mail.data && <Loading label="Loading mail…" />}
      {mail.status === 'error' && <ErrorMessage error={mail.error} onRetry={mail.reload} />}
      {mail.data && mail.data.length === 0 && <Empty>No mail.</Empty>}
      {mail.data && mail.data.length > 0 && (
        <ul className="mail-list">
          {mail.data.map((m) => (
            <li key={m.id} className="card mail" data-testid={`mail-${m.id}`}>
              <p className="mail__subject" data-testid="mail-subject">
                {m.subject}
              </p>
              <p className="muted">
                To {m.to} · {new Date(m.createdAt).toLocaleString('en-IE')} · {m.status}
                {m.orderId ? ` · order #${m.orderId}` : ''}
              </p>
              <pre className="mail__text">{m.text}</pre>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
