import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { IdpError } from '../errors.ts';

/**
 * Per-realm signing keys, like Keycloak's `rsa-generated` (RS256, published in the JWKS) and
 * `hmac-generated-hs512` (refresh tokens, never published) providers.
 *
 * Keys persist in `<dataDir>/keys.json` (mode 0600) so tokens survive a restart. Rotation makes a
 * new active key and keeps each old one — published for verification, never used to sign — until
 * every token it signed has expired (`retireUntil`).
 */

interface StoredRsaKey {
  kid: string;
  privateJwk: JWK;
  createdAt: number;
  retireUntil?: number;
}

interface StoredHmacKey {
  kid: string;
  secret: string; // base64url
  createdAt: number;
  retireUntil?: number;
}

interface StoredRealmKeys {
  rsa: StoredRsaKey[];
  hmac: StoredHmacKey[];
}

interface LoadedRsaKey extends StoredRsaKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

interface LoadedHmacKey extends StoredHmacKey {
  key: Uint8Array;
}

interface RealmKeys {
  rsa: LoadedRsaKey[]; // [0] is active
  hmac: LoadedHmacKey[];
}

export interface PublishedJwk {
  kid: string;
  kty: string;
  alg: string;
  use: string;
  n: string;
  e: string;
}

export class KeyStore {
  readonly #file: string | undefined;
  readonly #realms = new Map<string, RealmKeys>();
  readonly #now: () => number;

  private constructor(file: string | undefined, now: () => number) {
    this.#file = file;
    this.#now = now;
  }

  /** Loads (or creates) the keys of the given realms. `dataDir` undefined keeps keys in memory. */
  static async open(
    dataDir: string | undefined,
    realms: readonly string[],
    now: () => number,
  ): Promise<KeyStore> {
    const store = new KeyStore(dataDir ? join(dataDir, 'keys.json') : undefined, now);
    const stored = await store.#read();
    let changed = false;
    for (const realm of realms) {
      let keys = stored[realm];
      if (!keys || keys.rsa.length === 0 || keys.hmac.length === 0) {
        keys = { rsa: [await newRsaKey(now())], hmac: [newHmacKey(now())] };
        stored[realm] = keys;
        changed = true;
      }
      store.#realms.set(realm, await loadRealm(keys, realm));
    }
    if (changed) await store.#write();
    return store;
  }

  activeRsa(realm: string): { kid: string; key: CryptoKey } {
    const key = this.#get(realm).rsa[0] as LoadedRsaKey;
    return { kid: key.kid, key: key.privateKey };
  }

  rsaVerificationKey(realm: string, kid: string | undefined): CryptoKey | undefined {
    return this.#published(realm).find((k) => k.kid === kid)?.publicKey;
  }

  activeHmac(realm: string): { kid: string; key: Uint8Array } {
    const key = this.#get(realm).hmac[0] as LoadedHmacKey;
    return { kid: key.kid, key: key.key };
  }

  hmacVerificationKey(realm: string, kid: string | undefined): Uint8Array | undefined {
    const now = this.#now();
    return this.#get(realm).hmac.find(
      (k) => k.kid === kid && (k.retireUntil === undefined || k.retireUntil > now),
    )?.key;
  }

  /** The JWKS of a realm: the active key and every retired key still inside its retention. */
  jwks(realm: string): { keys: PublishedJwk[] } {
    return { keys: this.#published(realm).map((k) => k.publicJwk as PublishedJwk) };
  }

  /** Base64 SubjectPublicKeyInfo of the active key, for the realm info endpoint's `public_key`. */
  async publicKeyBase64(realm: string): Promise<string> {
    const spki = await crypto.subtle.exportKey('spki', (this.#get(realm).rsa[0] as LoadedRsaKey).publicKey);
    return Buffer.from(spki).toString('base64');
  }

  /**
   * Makes a new active RSA and HMAC key. The previous RSA key stays published for
   * `rsaRetentionSeconds` (the longest access/ID token lifetime) and the previous HMAC key keeps
   * verifying refresh tokens for `hmacRetentionSeconds` (the longest session lifetime).
   */
  async rotate(
    realm: string,
    rsaRetentionSeconds: number,
    hmacRetentionSeconds: number,
  ): Promise<{ kid: string }> {
    const keys = this.#get(realm);
    const now = this.#now();
    for (const k of keys.rsa) k.retireUntil ??= now + rsaRetentionSeconds * 1000;
    for (const k of keys.hmac) k.retireUntil ??= now + hmacRetentionSeconds * 1000;
    const loaded = await loadRealm({ rsa: [await newRsaKey(now)], hmac: [newHmacKey(now)] }, realm);
    keys.rsa = [...loaded.rsa, ...keys.rsa.filter((k) => (k.retireUntil as number) > now)];
    keys.hmac = [...loaded.hmac, ...keys.hmac.filter((k) => (k.retireUntil as number) > now)];
    await this.#write();
    return { kid: (keys.rsa[0] as LoadedRsaKey).kid };
  }

  #published(realm: string): LoadedRsaKey[] {
    const now = this.#now();
    return this.#get(realm).rsa.filter((k) => k.retireUntil === undefined || k.retireUntil > now);
  }

  #get(realm: string): RealmKeys {
    const keys = this.#realms.get(realm);
    if (!keys) throw new IdpError('IDP_NOT_FOUND', `no keys for realm ${realm}`);
    return keys;
  }

  async #read(): Promise<Record<string, StoredRealmKeys>> {
    if (!this.#file) return {};
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new IdpError('IDP_KEYS_INVALID', `cannot read ${this.#file}: ${(err as Error).message}`);
    }
    try {
      return (JSON.parse(text) as { realms: Record<string, StoredRealmKeys> }).realms;
    } catch {
      throw new IdpError(
        'IDP_KEYS_INVALID',
        `${this.#file} is not valid JSON; move it away to generate new keys`,
      );
    }
  }

  async #write(): Promise<void> {
    if (!this.#file) return;
    const realms: Record<string, StoredRealmKeys> = {};
    for (const [name, keys] of this.#realms) {
      realms[name] = {
        rsa: keys.rsa.map(({ kid, privateJwk, createdAt, retireUntil }) => ({
          kid,
          privateJwk,
          createdAt,
          retireUntil,
        })),
        hmac: keys.hmac.map(({ kid, secret, createdAt, retireUntil }) => ({
          kid,
          secret,
          createdAt,
          retireUntil,
        })),
      };
    }
    // Keep realms this process does not serve (another realm set may share the folder).
    const existing = await this.#read().catch(() => ({}));
    await mkdir(join(this.#file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ realms: { ...existing, ...realms } }, null, 2), { mode: 0o600 });
    await rename(tmp, this.#file);
  }
}

async function newRsaKey(now: number): Promise<StoredRsaKey> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  // Keycloak's kid is 43 characters of base64url; the RFC 7638 thumbprint has the same shape.
  const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
  return { kid, privateJwk, createdAt: now };
}

function newHmacKey(now: number): StoredHmacKey {
  return {
    kid: randomBytes(16).toString('hex'),
    secret: randomBytes(64).toString('base64url'),
    createdAt: now,
  };
}

async function loadRealm(stored: StoredRealmKeys, realm: string): Promise<RealmKeys> {
  try {
    const rsa = await Promise.all(
      stored.rsa.map(async (k) => {
        const { kty, n, e } = k.privateJwk;
        const pub = { kty, n, e };
        const privateKey = (await importJWK({ ...k.privateJwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
        const publicKey = (await importJWK({ ...pub, alg: 'RS256' }, 'RS256')) as CryptoKey;
        const publicJwk: PublishedJwk = {
          kid: k.kid,
          kty: 'RSA',
          alg: 'RS256',
          use: 'sig',
          n: pub.n as string,
          e: pub.e as string,
        };
        return { ...k, privateKey, publicKey, publicJwk };
      }),
    );
    const hmac = stored.hmac.map((k) => ({ ...k, key: Buffer.from(k.secret, 'base64url') }));
    return { rsa, hmac };
  } catch (err) {
    throw new IdpError(
      'IDP_KEYS_INVALID',
      `keys of realm ${realm} cannot be loaded: ${(err as Error).message}`,
    );
  }
}
