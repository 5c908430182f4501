/**
 * Wraps fetch so each call carries `Authorization: Bearer <service token>`. On a 401 from the
 * downstream service (token revoked, keys rotated, clock skew) the token is dropped and the call is
 * retried ONCE with a fresh one — only when the request body can be sent again.
 */
export function authenticatedFetch(
  fetchFn: typeof fetch,
  getToken: () => Promise<string>,
  invalidate: (token: string) => void,
): typeof fetch {
  const wrapped = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const token = await getToken();
    const response = await fetchFn(input, withBearer(input, init, token));
    if (response.status !== 401 || !isReplayable(input, init)) return response;
    await response.body?.cancel();
    invalidate(token);
    return fetchFn(input, withBearer(input, init, await getToken()));
  };
  return wrapped as typeof fetch;
}

// `init.headers` replaces a Request's own headers in fetch, so without init headers start from the
// Request's: attaching the token must not drop the caller's content-type or request id.
function withBearer(input: string | URL | Request, init: RequestInit, token: string): RequestInit {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}

function isReplayable(input: string | URL | Request, init: RequestInit): boolean {
  if (input instanceof Request && input.body !== null) return false;
  const body = init.body;
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob ||
    body instanceof FormData
  );
}
