/**
 * Value-based redaction for finished log lines. pino's `redact` works by field name, so an e-mail
 * inside an error's `detail` (PostgreSQL: `Key (email)=(mario@example.com) already exists.`), a
 * token pasted into a message or a header three objects deep slips past it. This runs on the JSON
 * text pino is about to write, after serializers, so nothing logged escapes it.
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

export function scrubValues(line: string): string {
  let scrubbed = line;
  // The cheap checks keep the common line (no @, no token) to three substring scans.
  if (scrubbed.includes('eyJ')) scrubbed = scrubbed.replace(JWT, '[redacted-jwt]');
  if (/bearer/i.test(scrubbed)) scrubbed = scrubbed.replace(BEARER, '$1 [redacted]');
  if (scrubbed.includes('@')) scrubbed = scrubbed.replace(EMAIL, '[redacted-email]');
  return scrubbed;
}
