import { ReturnToInvalid } from '../errors.ts';

const MAX_LENGTH = 2048;
// C0 controls, DEL and C1 controls: browsers strip or reinterpret them (e.g. "/\t/evil.com").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Where to send the browser after login: only a same-origin path (RFC 9700 §4.11, no open
 * redirector). Refused: absolute URLs, scheme-relative `//evil`, `/\evil` (browsers treat `\` as
 * `/`), anything with a backslash or control character, and anything that resolves to another
 * origin. Returns the normalised path + query + fragment.
 *
 * @example safeReturnTo('/orders?page=2', 'https://shop.example') // '/orders?page=2'
 */
export function safeReturnTo(value: unknown, origin: string): string {
  if (value === undefined || value === '') return '/';
  if (typeof value !== 'string' || value.length > MAX_LENGTH)
    throw new ReturnToInvalid('returnTo must be a path of at most 2048 characters');
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || CONTROL.test(value)) {
    throw new ReturnToInvalid('returnTo must be a same-origin path such as /orders');
  }
  let resolved: URL;
  try {
    resolved = new URL(value, origin);
  } catch {
    throw new ReturnToInvalid('returnTo is not a valid path');
  }
  if (resolved.origin !== new URL(origin).origin)
    throw new ReturnToInvalid('returnTo must stay on this site');
  // The parser resolves dot segments (also `%2e`), so `/.//evil` or `/a/..//evil` come out as
  // `//evil`, which a browser reads in a Location header as a scheme-relative URL to another site.
  // The check above cannot see that (it resolved against our origin), so check the output too.
  if (resolved.pathname.startsWith('//'))
    throw new ReturnToInvalid('returnTo must be a same-origin path such as /orders');
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
