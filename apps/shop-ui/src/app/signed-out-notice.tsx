// After a logout finished at the IdP, the gateway's /bff/logged-out sends the browser to
// `/?signedOut=1`: say so once, then drop the flag from the address so a reload does not repeat it.
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { useToast } from '../lib/toast.tsx';

export function SignedOutNotice() {
  const [params, setParams] = useSearchParams();
  const toast = useToast();
  const signedOut = params.get('signedOut') === '1';
  useEffect(() => {
    if (!signedOut) return;
    toast.notify('You are signed out.', 'info');
    setParams(
      (current) => {
        current.delete('signedOut');
        return current;
      },
      { replace: true },
    );
  }, [signedOut, toast, setParams]);
  return null;
}
