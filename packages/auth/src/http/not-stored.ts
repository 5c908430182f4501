/**
 * The Cache-Control of an answer to an authenticated request, unless its route says otherwise: it
 * is someone's own data (orders, addresses, a profile), which no browser or proxy should keep
 * (OWASP ASVS 8.2.1). Both adapters (Fastify, Express) set it once the token is verified.
 */
export const NOT_STORED = 'no-store';
