// The three states every data screen has: loading, failed (with a retry), and empty.
import type { ReactNode } from 'react';
import { describeError } from '../lib/api-error.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="status status--loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorMessage({
  error,
  onRetry,
  fallback,
}: {
  error: unknown;
  onRetry?: () => void;
  fallback?: string;
}) {
  return (
    <div className="status status--error" role="alert" data-testid="error-message">
      <p>{describeError(error, fallback)}</p>
      {onRetry && (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="status status--empty" data-testid="empty-state">
      {children}
    </div>
  );
}
