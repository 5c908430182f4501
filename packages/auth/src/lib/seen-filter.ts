import { mix } from './hash.ts';

/**
 * The admission "doorkeeper" of the verified-token cache (as in TinyLFU): it remembers that a
 * token was seen once, so the cache stores a verification only on second sight.
 *
 * A fixed table of 32-bit fingerprints: recording a sighting allocates nothing and retains nothing
 * per token, where a Map entry per one-off token cost an insert, a key kept alive and GC work on the
 * hot, distinct-token path. Collisions only change WHICH tokens get cached (a slot overwritten
 * forgets an older sighting; a fingerprint clash admits a token on first sight) — never what a
 * cache hit returns, which the cache confirms with the token's SHA-256.
 */
export class SeenFilter {
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** `capacity`: how many distinct recent sightings to remember, roughly (the table is 2× that). */
  constructor(capacity: number) {
    let size = 1024;
    while (size < capacity * 2 && size < 1 << 22) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
  }

  /**
   * Records a sighting of `token` and tells whether it had been recorded before. Reads the 64
   * characters before the last 32 (those feed the cache index): signature bytes of a genuine JWS.
   */
  seenBefore(token: string): boolean {
    const end = Math.max(0, token.length - 32);
    const mid = Math.max(0, end - 32);
    let slot = 0x811c9dc5;
    let fingerprint = 0x01234567;
    for (let i = Math.max(0, mid - 32); i < mid; i++)
      slot = Math.imul(slot ^ token.charCodeAt(i), 0x01000193);
    for (let i = mid; i < end; i++) fingerprint = Math.imul(fingerprint ^ token.charCodeAt(i), 0x01000193);
    fingerprint = mix(fingerprint) | 1; // 0 marks an empty slot
    const index = mix(slot) & this.#mask;
    if (this.#slots[index] === fingerprint) return true;
    this.#slots[index] = fingerprint;
    return false;
  }
}
