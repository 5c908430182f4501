import type { User } from '../realm/model.ts';
import { hashPassword, type ScryptParams } from './scrypt.ts';

/**
 * Imported plain-text passwords (realm files, the development users) are hashed after start-up,
 * one at a time.
 *
 * Why: each scrypt hash at the production cost (N=2^17) holds a libuv thread-pool thread for
 * 100–500 ms and 128 MiB. Started all at once while the realm loaded, they filled the whole pool
 * (4 threads), and everything else that runs there — reading keys.json, importing the signing
 * keys, RS256 signing through WebCrypto — queued behind them: start-up took seconds. Run after
 * `listen` and serially, they keep at most one pool thread busy.
 *
 * A login (or password reset) for a user whose hash is still pending awaits `user.passwordHashing`,
 * and awaiting it runs that user's hash at once instead of waiting for its turn.
 */
const queues = new WeakMap<object, Array<() => Promise<void>>>();

/** Registers the hash of `plain` for `user` under `owner` (the realm's user map). */
export function deferPasswordHash(owner: object, user: User, plain: string, params: ScryptParams): void {
  let running: Promise<void> | undefined;
  const run = (): Promise<void> =>
    (running ??= hashPassword(plain, params).then((hash) => {
      user.passwordHash = hash;
      delete user.passwordHashing;
    }));
  user.passwordHashing = {
    then: (onFulfilled, onRejected) => run().then(onFulfilled, onRejected),
  };
  const queue = queues.get(owner) ?? [];
  queues.set(owner, queue);
  queue.push(run);
}

/**
 * Hashes every password deferred under `owner`, one after the other. Resolves when all are done;
 * a failed hash is reported through `onError` and leaves that user's `passwordHashing` rejecting
 * (their logins fail with a server error rather than ever accepting an unhashed password).
 */
export async function hashDeferredPasswords(owner: object, onError: (error: unknown) => void): Promise<void> {
  const queue = queues.get(owner) ?? [];
  queues.delete(owner);
  for (const run of queue) {
    try {
      await run();
    } catch (error) {
      onError(error);
    }
  }
}
