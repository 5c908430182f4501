import type { FastifyInstance } from 'fastify';

/**
 * Strict headers for everything the gateway serves. The CSP allows only same-origin resources and
 * no inline script (the Vite build emits external module scripts only); `frame-ancestors 'none'`
 * stops clickjacking. Responses proxied from the idp are the idp's business: its login-status
 * iframe and 3p-cookie pages exist to be framed by client origins (keycloak-js's checkLoginIframe)
 * and its endpoints answer CORS for registered web origins, so framing and cross-origin headers
 * are left as the idp sent them; only the neutral hardening headers are added where missing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(secure: boolean): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** Headers the gateway never adds to the idp's responses (they would break framing and CORS). */
const IDP_DECIDES = new Set([
  'content-security-policy',
  'x-frame-options',
  'cross-origin-resource-policy',
  'cross-origin-opener-policy',
]);

export function registerSecurityHeaders(
  app: FastifyInstance,
  options: { secure: boolean; idpPrefix: string },
): void {
  const headers = Object.entries(securityHeaders(options.secure));
  app.addHook('onSend', (request, reply, payload, done) => {
    const fromIdp = request.url === options.idpPrefix || request.url.startsWith(`${options.idpPrefix}/`);
    for (const [name, value] of headers) {
      if (fromIdp && (reply.hasHeader(name) || IDP_DECIDES.has(name))) continue;
      void reply.header(name, value);
    }
    void reply.removeHeader('x-powered-by');
    void reply.removeHeader('server');
    done(null, payload);
  });
}
