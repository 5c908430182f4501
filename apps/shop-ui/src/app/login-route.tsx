// /login: sends the visitor to the gateway's login (which starts code + PKCE at the IdP) and
// returns them to where they came from (?returnTo=/path), or home.
import { useEffect } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { Loading } from '../components/status.tsx';
import { useAuth } from '../lib/auth.tsx';
import { safeReturnTo } from '../lib/return-to.ts';

export function LoginRoute() {
  const auth = useAuth();
  const [params] = useSearchParams();
  // Checked here too, not only at the gateway: a signed-in visitor is sent on by <Navigate> itself.
  const returnTo = safeReturnTo(params.get('returnTo'), window.location.origin);
  useEffect(() => {
    if (auth.status === 'anonymous') auth.login(returnTo);
  }, [auth, returnTo]);
  if (auth.status === 'authenticated') return <Navigate to={returnTo} replace />;
  return <Loading label="Redirecting to the login page…" />;
}
