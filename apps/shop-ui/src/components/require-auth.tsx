// Guards a route on the client for a clear message; the server still decides (shop-api refuses
// with 401/403 whatever the UI shows).
import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import { useAuth } from '../lib/auth.tsx';
import { Loading } from './status.tsx';
import { Page } from './page.tsx';

export function RequireAuth({ role, children }: { role?: string; children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  if (auth.status === 'loading') return <Loading label="Checking your session…" />;
  if (auth.status !== 'authenticated' || !auth.user) {
    return (
      <Page title="Please log in">
        <p data-testid="login-required">You need to log in to see this page.</p>
        <button
          type="button"
          className="button"
          onClick={() => auth.login(`${location.pathname}${location.search}`)}
        >
          Log in
        </button>
      </Page>
    );
  }
  if (role && !auth.user.roles.includes(role)) {
    return (
      <Page title="Access denied">
        <p data-testid="forbidden">You do not have permission to access this page.</p>
      </Page>
    );
  }
  return <>{children}</>;
}
