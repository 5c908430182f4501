// Short status messages ("Added to cart") announced to screen readers through a polite live
// region; errors use an assertive one. They disappear after a few seconds and can be dismissed.
import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';

type Tone = 'success' | 'error' | 'info';
type Toast = { id: number; tone: Tone; message: string };
type ToastApi = { notify: (message: string, tone?: Tone) => void };

const ToastContext = createContext<ToastApi | undefined>(undefined);
const VISIBLE_MS = 4000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const notify = useCallback(
    (message: string, tone: Tone = 'success') => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-3), { id, tone, message }]);
      window.setTimeout(() => dismiss(id), VISIBLE_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ notify }), [notify]);

  const render = (filter: (t: Toast) => boolean) =>
    toasts.filter(filter).map((t) => (
      <div key={t.id} className={`toast toast--${t.tone}`} data-testid="toast">
        <span>{t.message}</span>
        <button
          type="button"
          className="toast__close"
          aria-label="Dismiss message"
          onClick={() => dismiss(t.id)}
        >
          ×
        </button>
      </div>
    ));

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts">
        <div role="status" aria-live="polite">
          {render((t) => t.tone !== 'error')}
        </div>
        <div role="alert" aria-live="assertive">
          {render((t) => t.tone === 'error')}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const value = useContext(ToastContext);
  if (!value) throw new Error('useToast must be used inside <ToastProvider>');
  return value;
}
