import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ScryptParams } from './scrypt.ts';

/**
 * The scrypt hashes of imported plain-text passwords (realm files, the development users, the
 * bootstrap administrator), kept across restarts in the idp's data folder. At the production cost
 * each hash is ≈ 0.6 s of a core; `npm start` imports seven, and hashing them again at every start
 * took that CPU from the services starting beside the idp.
 *
 * An entry is found by an HMAC of (who, plain password, scrypt parameters) under a random key of
 * the file, so a changed password or cost misses and is hashed anew. The file holds no password:
 * only the hashes the idp keeps in memory anyway, and those HMACs. Whoever can read it could test
 * password guesses against an HMAC quickly, but the passwords it covers are in plain text on the
 * same machine already (the realm files, the local secrets file), and the folder holds the signing
 * keys, under the same 0600 mode. Entries not used by a start are dropped when it saves.
 */
export class PasswordHashCache {
  readonly #file: string;
  readonly #key: Buffer;
  #stored: ReadonlyMap<string, string>;
  /** Entries this start used or added: what save() keeps. */
  readonly #used = new Map<string, string>();

  private constructor(file: string, key: Buffer, stored: ReadonlyMap<string, string>) {
    this.#file = file;
    this.#key = key;
    this.#stored = stored;
  }

  /** The cache in `file`; empty (with a new key) when the file is missing or unreadable. */
  static async open(file: string): Promise<PasswordHashCache> {
    try {
      const content = JSON.parse(await readFile(file, 'utf8')) as Partial<StoredCache>;
      if (content.version === VERSION && typeof content.key === 'string' && content.entries) {
        const entries = Object.entries(content.entries).filter(([, hash]) => typeof hash === 'string');
        return new PasswordHashCache(file, Buffer.from(content.key, 'base64url'), new Map(entries));
      }
    } catch {
      // missing or damaged: start empty, save() replaces it
    }
    return new PasswordHashCache(file, randomBytes(32), new Map());
  }

  /** The stored hash of `plain` for `who` at these parameters, if a previous start made it. */
  get(who: string, plain: string, params: ScryptParams): string | undefined {
    const id = this.#id(who, plain, params);
    const hash = this.#stored.get(id);
    // The hash names its parameters: a mismatch is a damaged file, not a hit.
    if (!hash?.startsWith(`scrypt$${params.N}$${params.r}$${params.p}$`)) return undefined;
    this.#used.set(id, hash);
    return hash;
  }

  /**
   * Adds a hash and saves at once (writes are queued, one at a time): an idp stopped before its
   * background hashing ended keeps what it made. Call after every get() of this start, since a save
   * keeps only what the start used.
   */
  set(who: string, plain: string, params: ScryptParams, hash: string): void {
    this.#used.set(this.#id(who, plain, params), hash);
    this.#saving = this.#saving.then(() => this.#write()).catch(() => {});
  }

  /** Resolves once the writes queued so far are done (whether they succeeded or not). */
  saved(): Promise<void> {
    return this.#saving;
  }

  /** Writes the entries this start used or added (atomically, mode 0600); nothing when unchanged. */
  save(): Promise<void> {
    const write = this.#saving.then(() => this.#write());
    this.#saving = write.catch(() => {});
    return write;
  }

  #saving: Promise<void> = Promise.resolve();

  async #write(): Promise<void> {
    const entries = new Map(this.#used); // what this write puts on disk, whatever set() adds meanwhile
    const unchanged =
      entries.size === this.#stored.size && [...entries].every(([id, hash]) => this.#stored.get(id) === hash);
    if (unchanged) return;
    const content: StoredCache = {
      version: VERSION,
      key: this.#key.toString('base64url'),
      entries: Object.fromEntries(entries),
    };
    await mkdir(dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.#file);
    this.#stored = entries;
  }

  #id(who: string, plain: string, params: ScryptParams): string {
    return createHmac('sha256', this.#key)
      .update(JSON.stringify([who, plain.normalize('NFKC'), params.N, params.r, params.p]))
      .digest('base64url');
  }
}

const VERSION = 1;

interface StoredCache {
  version: number;
  /** The HMAC key (base64url). */
  key: string;
  /** HMAC of (who, password, parameters) → `scrypt$N$r$p$salt$hash`. */
  entries: Record<string, string>;
}
