/**
 * The one redaction policy of the kit: log lines (logger.ts) and span attributes
 * (telemetry/scrub-span-processor.ts) both go through it, so what may not reach a log may not
 * reach a trace file or an OTLP collector either.
 *
 * Value-based: pino's `redact` works by field name, so an e-mail inside an error's `detail`
 * (PostgreSQL: `Key (email)=(mario@example.com) already exists.`), a token pasted into a message,
 * a header three objects deep or the authorization `code` in a callback URL slips past it. This
 * runs on the finished text, so nothing written escapes it.
 *
 * Every pattern refuses to start right after a backslash: in JSON text that is an escape
 * (`\n`, `\"`), and replacing from there would leave an invalid escape in the line.
 */
const EMAIL = /(?<!\\)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// An authorization header value: the scheme, then a token68 of 8+ characters (so prose such as
// "missing bearer token" or a challenge's `Bearer realm=` stays readable).
const BEARER = /(?<!\\)\b(Bearer)\s+[A-Za-z0-9._~+/-]{8,}=*/gi;
// A JWS/JWE: base64url of '{"' (eyJ), then at least one more dot-separated part.
const JWT = /(?<!\\)eyJ[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*)+/g;
// A query parameter in a URL: `?name=value` or `&name=value`, the value up to the next
// separator, quote, backslash or space.
const QUERY_PARAMETER = /(?<!\\)([?&])([^=&#?\s"\\]{1,100})=([^&#\s"\\]*)/g;

/**
 * Query parameters whose values say nothing secret: catalog filters, paging, and the parts of an
 * OAuth request that are public by design (client id, scope, redirect URI). Everything else in a
 * query string — `code`, `state`, `nonce`, `session_state`, `id_token_hint`, `code_challenge`,
 * whatever a client invents — is written as `[redacted]`. An allow-list, because a deny-list
 * misses the parameter nobody thought of.
 */
export const HARMLESS_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  // catalog, orders, mailbox, stock, charges
  'search',
  'category',
  'sort',
  'page',
  'pageSize',
  'limit',
  'status',
  'orderId',
  'productIds',
  // login flow: where to go back to, and the public halves of an OAuth request
  'returnTo',
  'client_id',
  'response_type',
  'response_mode',
  'scope',
  'redirect_uri',
  'post_logout_redirect_uri',
  'code_challenge_method',
  'prompt',
  'ui_locales',
  'kc_locale',
  'error',
  'error_description',
  'iss',
]);

/**
 * Field names whose values are credentials or personal data wherever they appear: the logger
 * redacts them by path, the span scrubber redacts attributes whose last name segment is one of
 * them (`enduser.email`, `oauth.token`).
 */
export const SECRET_FIELD_NAMES: readonly string[] = [
  'password',
  'client_secret',
  'clientSecret',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'accessToken',
  'refreshToken',
  'idToken',
  'email',
];

export const REDACTED = '[redacted]';

export function scrubValues(line: string): string {
  let scrubbed = line;
  // The cheap checks keep the common line (no @, no token, no query) to four substring scans.
  if (scrubbed.includes('=') && (scrubbed.includes('?') || scrubbed.includes('&')))
    scrubbed = scrubbed.replace(QUERY_PARAMETER, (whole, separator: string, name: string) =>
      HARMLESS_QUERY_PARAMETERS.has(name) ? whole : `${separator}${name}=${REDACTED}`,
    );
  if (scrubbed.includes('eyJ')) scrubbed = scrubbed.replace(JWT, '[redacted-jwt]');
  if (/bearer/i.test(scrubbed)) scrubbed = scrubbed.replace(BEARER, '$1 [redacted]');
  if (scrubbed.includes('@')) scrubbed = scrubbed.replace(EMAIL, '[redacted-email]');
  return scrubbed;
}

/** A bare query string (`code=…&state=…`, as in `url.query`) scrubbed like one inside a URL. */
export function scrubQueryString(query: string): string {
  return scrubValues(`?${query}`).slice(1);
}
