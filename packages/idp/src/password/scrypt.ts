import { scrypt, randomBytes, timingSafeEqual, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/**
 * scrypt cost parameters. The default is OWASP's recommended minimum for scrypt
 * (N=2^17, r=8, p=1: 128 MiB, ~100-250 ms per hash on one core), which is what makes a password
 * grant expensive on purpose. Tests may pass a lower N through `startIdp({ passwordHashing })`.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

const KEY_LENGTH = 32;

/** Hashes a password to `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, params);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

/**
 * Verifies a password against a stored hash: our scrypt format, or a Keycloak export credential
 * (`pbkdf2-sha256`/`pbkdf2-sha512`/`pbkdf2`) so hashed realm exports import as they are.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('scrypt$')) {
    const [, n, r, p, salt, hash] = stored.split('$');
    if (!n || !r || !p || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    const actual = await derive(password, Buffer.from(salt, 'base64url'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
  if (stored.startsWith('pbkdf2$')) {
    const [, digest, iterations, salt, hash] = stored.split('$');
    if (!digest || !iterations || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = await pbkdf2Async(
      password,
      Buffer.from(salt, 'base64'),
      Number(iterations),
      expected.length,
      digest,
    );
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
  return false;
}

/** Converts a Keycloak exported credential (`secretData` + `credentialData`) to our stored form. */
export function fromKeycloakCredential(secretData: string, credentialData: string): string | undefined {
  try {
    const secret = JSON.parse(secretData) as { value?: string; salt?: string };
    const data = JSON.parse(credentialData) as { hashIterations?: number; algorithm?: string };
    const digest = { 'pbkdf2-sha256': 'sha256', 'pbkdf2-sha512': 'sha512', pbkdf2: 'sha1' }[
      data.algorithm ?? ''
    ];
    if (!digest || !secret.value || !secret.salt || !data.hashIterations) return undefined;
    return ['pbkdf2', digest, data.hashIterations, secret.salt, secret.value].join('$');
  } catch {
    return undefined;
  }
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // maxmem must exceed 128 * N * r bytes or Node refuses the parameters.
  return scryptAsync(password.normalize('NFKC'), salt, KEY_LENGTH, {
    ...params,
    maxmem: 256 * params.N * params.r,
  });
}
