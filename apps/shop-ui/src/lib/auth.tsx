// The browser's view of the session the gateway (BFF) keeps. The UI never sees a token: it asks
// /bff/user who is logged in, sends people to /bff/login to log in, and POSTs /bff/logout (with
// the CSRF token), then goes where the answer's logoutUrl says: `/` when the gateway ended the IdP
// session itself, else the IdP's end-session page (RP-initiated logout) to end it in the browser.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { UNAUTHORIZED_EVENT, api } from './api-client.ts';
import { setCsrfToken } from './csrf.ts';
import { safeReturnTo } from './return-to.ts';

export type SessionUser = {
  id: string;
  username: string;
  name?: string;
  email?: string;
  roles: string[];
  canCheckout: boolean;
};

type BffUser = { authenticated: false } | { authenticated: true; user: SessionUser; csrfToken: string };

export type AuthState = {
  status: 'loading' | 'anonymous' | 'authenticated' | 'error';
  user: SessionUser | undefined;
  isAdmin: boolean;
  /** Re-reads /bff/user (after a 401, or when the tab regains focus). */
  refresh: () => Promise<void>;
  login: (returnTo?: string) => void;
  logout: () => Promise<void>;
};

const AuthContext = createContext<AuthState | undefined>(undefined);

/** Only same-origin paths are sent as returnTo; the gateway checks it again. */
export function loginUrl(returnTo: string): string {
  return `/bff/login?returnTo=${encodeURIComponent(safeReturnTo(returnTo, window.location.origin))}`;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthState['status']>('loading');
  const [user, setUser] = useState<SessionUser | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const session = await api.get<BffUser>('/bff/user');
      if (session.authenticated) {
        setCsrfToken(session.csrfToken);
        setUser(session.user);
        setStatus('authenticated');
      } else {
        // No CSRF token without a sign-in: the gateway checks anonymous writes by origin only.
        setCsrfToken(undefined);
        setUser(undefined);
        setStatus('anonymous');
      }
    } catch {
      setCsrfToken(undefined); // writes wait for this answer: they go on, and the gateway decides
      setUser(undefined);
      setStatus('error');
    }
  }, []);

  useEffect(() => {
    void refresh();
    // A 401 from the API means the gateway session ended (expiry, logout in another tab, or the
    // idp's back-channel logout): re-read /bff/user so the header and guards follow at once.
    const onUnauthorized = () => void refresh();
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [refresh]);

  const login = useCallback((returnTo?: string) => {
    const here = returnTo ?? `${window.location.pathname}${window.location.search}`;
    window.location.assign(loginUrl(here));
  }, []);

  const logout = useCallback(async () => {
    const { logoutUrl } = await api.post<{ logoutUrl?: string }>('/bff/logout');
    setCsrfToken(undefined);
    setUser(undefined);
    setStatus('anonymous');
    window.location.assign(logoutUrl ?? '/');
  }, []);

  const value = useMemo<AuthState>(
    () => ({ status, user, isAdmin: user?.roles.includes('admin') ?? false, refresh, login, logout }),
    [status, user, refresh, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
