// The single way the UI talks to the backend: same-origin fetch through the gateway, cookies
// included, JSON in and out, X-CSRF-Token on every state-changing call, problem details turned
// into ApiError. No Authorization header ever: the gateway attaches the user's token server-side.
import { ApiError } from './api-error.ts';
import type { Problem } from './api-error.ts';
import { csrfTokenForWrite } from './csrf.ts';

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  query?: Record<string, string | number | undefined>;
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Fired when the API says the session is gone (expired, logged out elsewhere, back-channel). */
export const UNAUTHORIZED_EVENT = 'techstore:unauthorized';

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const csrf = await csrfTokenForWrite();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  const response = await fetch(buildUrl(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    // Catalog answers may be cached for a second (Cache-Control: public): the browser asks again
    // with their ETag each time, so a page shows what the gateway has (a 304 costs little).
    cache: 'no-cache',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (response.status === 401 && path.startsWith('/api/') && typeof window !== 'undefined') {
    window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  }
  if (!response.ok) {
    const problem: Problem =
      parsed && typeof parsed === 'object'
        ? (parsed as Problem)
        : { status: response.status, title: response.statusText };
    throw new ApiError(response.status, problem);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) => apiRequest<T>(path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PATCH', body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'DELETE' }),
};

/** Unwraps list endpoints that answer either `T[]` or `{ items: T[] }`. */
export function itemsOf<T>(value: T[] | { items: T[] } | undefined): T[] {
  if (!value) return [];
  return Array.isArray(value) ? value : value.items;
}
