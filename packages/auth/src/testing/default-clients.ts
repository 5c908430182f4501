import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';

/** What the client_credentials grant puts into a client's token, Keycloak style. */
export interface TestClient {
  /** client_secret_basic / client_secret_post. */
  secret?: string;
  /** Public key for private_key_jwt client assertions. */
  publicJwk?: JWK;
  /** Audience the token always carries (default: none, as in Keycloak without mappers). */
  audience?: string[];
  realmRoles?: string[];
  /** Client roles always present. */
  clientRoles?: Record<string, string[]>;
  /**
   * Optional client scopes the client may request with `scope=`: each adds exactly one audience and
   * that client's roles (MockMart's realm design: `scope=payment-api` → aud payment-service).
   */
  scopes?: Record<string, { audience?: string; clientRoles?: Record<string, string[]> }>;
  /** Token lifetime override, in seconds. */
  tokenLifetimeSec?: number;
}

const secret = (): string => randomBytes(24).toString('base64url');

/**
 * The MockMart realm's confidential clients (deploy/keycloak), with fresh random secrets per issuer
 * — nothing secret is ever a constant. Read them with issuer.clientSecret('shop-api').
 */
export function techstoreClients(): Record<string, TestClient> {
  return {
    gateway: { secret: secret() },
    'shop-api': {
      secret: secret(),
      scopes: {
        'inventory-api': {
          audience: 'inventory-service',
          clientRoles: { 'inventory-service': ['stock:read', 'stock:reserve'] },
        },
        'payment-api': {
          audience: 'payment-service',
          clientRoles: { 'payment-service': ['payments:charge', 'payments:refund', 'payments:read'] },
        },
        'notification-api': {
          audience: 'notification-service',
          clientRoles: { 'notification-service': ['notifications:send'] },
        },
      },
    },
    'order-reconciler': {
      secret: secret(),
      scopes: {
        'inventory-api': {
          audience: 'inventory-service',
          clientRoles: { 'inventory-service': ['stock:read'] },
        },
        'payment-api': { audience: 'payment-service', clientRoles: { 'payment-service': ['payments:read'] } },
      },
    },
    'inventory-service': { secret: secret() },
    'payment-service': { secret: secret() },
    'notification-service': { secret: secret() },
  };
}
