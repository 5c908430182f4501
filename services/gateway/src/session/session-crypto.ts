import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals session secrets (tokens, PKCE verifier, profile) with AES-256-GCM. The key is derived with
 * HKDF-SHA256 from GATEWAY_SESSION_KEY, and the row's id hash is the additional authenticated data,
 * so a sealed value copied into another row does not open.
 */
export interface SessionSealer {
  seal(plain: unknown, rowId: string): string;
  open<T>(sealed: string, rowId: string): T;
}

export function createSessionSealer(secret: string): SessionSealer {
  if (secret.length < 32) throw new Error('GATEWAY_SESSION_KEY must be at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', secret, 'mockmart-gateway', 'session-secrets-v1', 32));
  return {
    seal(plain, rowId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(rowId));
      const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
      return [
        VERSION,
        iv.toString('base64url'),
        body.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
      ].join('.');
    },
    open<T>(sealed: string, rowId: string): T {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== VERSION || !iv || body === undefined || !tag)
        throw new Error('sealed session value has an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(rowId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as T;
    },
  };
}

/** A fresh session id for the cookie: 256 random bits. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keys sessions by: the cookie value never reaches storage. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
