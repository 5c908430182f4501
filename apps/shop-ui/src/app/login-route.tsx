// /login: sends the visitor to the gateway's login (which starts code + PKCE at the IdP) and
// returns them to where they came from (?returnTo=/path), or home.
import { useEffect } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { Loading } from '../components/status.tsx';
import { useAuth } from '../lib/auth.tsx';

export function LoginRoute() {
  const auth = useAuth();
  const [params] = useSearchParams();
  const returnTo = params.get('returnTo') ?? '/';
  useEffect(() => {
    if (auth.status === 'anonymous') auth.login(returnTo);
  }, [auth, returnTo]);
  if (auth.status === 'authenticated')
    return <Navigate to={returnTo.startsWith('/') ? returnTo : '/'} replace />;
  return <Loading label="Redirecting to the login page…" />;
}
