// Where the browser may be sent after logging in: a path on this origin only, never another site.
// The same rules as the gateway's check of /bff/login?returnTo= (services/gateway
// src/login/return-to.ts), applied before the UI navigates anywhere itself.

// C0 controls, DEL and C1 controls: browsers strip or reinterpret them ("/\t/evil.example").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * `value` when it is a same-origin path, otherwise `/`. Refused: absolute URLs, scheme-relative
 * `//evil`, `/\evil` (browsers read `\` as `/`), control characters, anything resolving elsewhere.
 *
 * @example safeReturnTo('//evil.example', 'https://shop.example') // '/'
 */
export function safeReturnTo(value: string | null | undefined, origin: string): string {
  if (!value || !value.startsWith('/') || value.startsWith('//')) return '/';
  if (value.includes('\\') || CONTROL.test(value)) return '/';
  try {
    const resolved = new URL(value, origin);
    if (resolved.origin !== new URL(origin).origin) return '/';
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return '/';
  }
}
