/**
 * A bounded cache with per-entry expiry (absolute epoch ms), using two generations instead of a
 * linked list: writes go to `young`; when it is full it becomes `old` and a new `young` starts;
 * a read from `old` promotes the entry. Recently used entries survive, at most 2 × max are held,
 * and every operation is O(1) (no iteration over a Map with deleted holes).
 */
export class ExpiringLru<V, K extends string | number = string> {
  readonly #max: number;
  #young = new Map<K, { value: V; expiresAt: number }>();
  #old = new Map<K, { value: V; expiresAt: number }>();

  constructor(maxEntries: number) {
    this.#max = Math.max(1, Math.floor(maxEntries));
  }

  get(key: K, now: number): V | undefined {
    let entry = this.#young.get(key);
    if (entry === undefined) {
      entry = this.#old.get(key);
      if (entry === undefined) return undefined;
      this.#old.delete(key);
      if (entry.expiresAt > now) this.#insert(key, entry);
    }
    if (entry.expiresAt <= now) {
      this.#young.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V, expiresAt: number): void {
    this.#old.delete(key);
    this.#insert(key, { value, expiresAt });
  }

  #insert(key: K, entry: { value: V; expiresAt: number }): void {
    if (!this.#young.has(key) && this.#young.size >= this.#max) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, entry);
  }

  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
