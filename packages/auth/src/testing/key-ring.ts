import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export type SigningAlg = 'RS256' | 'PS256' | 'ES256';

export interface SigningKey {
  readonly alg: SigningAlg;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function createSigningKey(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  // Keycloak kids are 43-character base64url strings; a thumbprint has the same shape.
  const kid = await calculateJwkThumbprint(jwk);
  return { alg, kid, privateKey, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
}

/**
 * The issuer's keys, Keycloak style: one active key per algorithm, rotated keys kept published as
 * "passive" until retired, and an RSA-OAEP `enc` key in the JWKS that verifiers must skip.
 */
export class KeyRing {
  readonly #active = new Map<SigningAlg, SigningKey>();
  #passive: SigningKey[] = [];
  #encJwk: JWK | undefined;

  static async create(algs: readonly SigningAlg[]): Promise<KeyRing> {
    const ring = new KeyRing();
    const keys = await Promise.all(algs.map((alg) => createSigningKey(alg)));
    for (const key of keys) ring.#active.set(key.alg, key);
    const enc = await generateKeyPair('RSA-OAEP', { extractable: true });
    const encJwk = await exportJWK(enc.publicKey);
    ring.#encJwk = { ...encJwk, kid: await calculateJwkThumbprint(encJwk), alg: 'RSA-OAEP', use: 'enc' };
    return ring;
  }

  active(alg: SigningAlg): SigningKey {
    const key = this.#active.get(alg);
    if (!key) throw new Error(`test issuer has no ${alg} key (enable it in startTestIssuer({ algorithms }))`);
    return key;
  }

  byKid(kid: string | undefined): SigningKey | undefined {
    return [...this.#active.values(), ...this.#passive].find((key) => key.kid === kid);
  }

  /** New active key for `alg`; the old one stays published unless `retireOld`. Returns the new kid. */
  async rotate(alg: SigningAlg, retireOld: boolean): Promise<string> {
    const old = this.#active.get(alg);
    const next = await createSigningKey(alg);
    this.#active.set(alg, next);
    if (old && !retireOld) this.#passive.push(old);
    return next.kid;
  }

  retirePassive(): void {
    this.#passive = [];
  }

  jwks(): { keys: JWK[] } {
    const sig = [...this.#active.values(), ...this.#passive].map((key) => key.publicJwk);
    return { keys: this.#encJwk ? [...sig, this.#encJwk] : sig };
  }
}
