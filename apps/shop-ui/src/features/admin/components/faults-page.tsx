// Development fault switches: make a downstream service decline, slow down or fail for the next
// N calls, to watch the checkout's compensation and the order's failure reason.
import { useState } from 'react';
import { Page } from '../../../components/page.tsx';
import { ErrorMessage, Loading } from '../../../components/status.tsx';
import { ApiError, describeError } from '../../../lib/api-error.ts';
import { useToast } from '../../../lib/toast.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { FAULT_MODES, FAULT_SERVICES, getFault, setFault } from '../api/admin-operations.ts';
import type { FaultMode, FaultService, FaultState } from '../api/admin-operations.ts';

function FaultCard({ service }: { service: FaultService }) {
  const toast = useToast();
  const current = useAsync((signal) => getFault(service, signal), [service]);
  const [mode, setMode] = useState<FaultMode | undefined>(undefined);
  const [delayMs, setDelayMs] = useState('');
  const [remaining, setRemaining] = useState('');

  if (current.status === 'loading' && !current.data) return <Loading label={`Loading ${service}…`} />;
  if (current.status === 'error') {
    const absent = current.error instanceof ApiError && current.error.status === 404;
    return absent ? (
      <p className="muted">Fault switches are not available (production mode).</p>
    ) : (
      <ErrorMessage error={current.error} onRetry={current.reload} />
    );
  }
  const selected = mode ?? current.data?.mode ?? 'none';
  const apply = async (state: FaultState) => {
    try {
      await setFault(service, state);
      toast.notify(`${service}: ${state.mode}`);
      setMode(undefined);
      current.reload();
    } catch (e) {
      toast.notify(describeError(e, 'The switch could not be changed.'), 'error');
    }
  };
  return (
    <form
      className="card fault"
      data-testid={`fault-${service}`}
      onSubmit={(e) => {
        e.preventDefault();
        const state: FaultState = { mode: selected };
        if (delayMs.trim()) state.delayMs = Number(delayMs);
        if (remaining.trim()) state.remaining = Number(remaining);
        void apply(state);
      }}
    >
      <h2>{service}</h2>
      <p>
        Now: <strong data-testid={`fault-${service}-current`}>{current.data?.mode ?? 'none'}</strong>
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${service}-mode`}>Mode</label>
          <select
            id={`${service}-mode`}
            value={selected}
            onChange={(e) => setMode(e.target.value as FaultMode)}
          >
            {FAULT_MODES[service].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${service}-delay`}>Delay (ms, optional)</label>
          <input
            id={`${service}-delay`}
            inputMode="numeric"
            value={delayMs}
            onChange={(e) => setDelayMs(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${service}-remaining`}>For the next N calls (optional)</label>
          <input
            id={`${service}-remaining`}
            inputMode="numeric"
            value={remaining}
            onChange={(e) => setRemaining(e.target.value)}
          />
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="button">
          Apply
        </button>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void apply({ mode: 'none' })}
        >
          Reset
        </button>
      </div>
    </form>
  );
}

export function FaultsPage() {
  return (
    <Page title="Fault switches">
      <p className="muted">Development only. Switches apply to the whole system, for every shopper.</p>
      <div className="fault-grid">
        {FAULT_SERVICES.map((s) => (
          <FaultCard key={s} service={s} />
        ))}
      </div>
    </Page>
  );
}
