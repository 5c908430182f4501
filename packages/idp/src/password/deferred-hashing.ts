import type { User } from '../realm/model.ts';
import type { PasswordHashCache } from './hash-cache.ts';
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
 *
 * With a cache (the idp's data folder, see hash-cache.ts), a hash an earlier start made for the
 * same user, password and parameters is used at once, and a new one is added to it.
 */
const queues = new WeakMap<object, Array<() => Promise<void>>>();

/**
 * Registers the hash of `plain` for `user` under `owner` (the realm's user map); `cached.who` names
 * the user in the cache (realm and username).
 */
export function deferPasswordHash(
  owner: object,
  user: User,
  plain: string,
  params: ScryptParams,
  cached?: { cache: PasswordHashCache; who: string },
): void {
  const hit = cached?.cache.get(cached.who, plain, params);
  if (hit) {
    user.passwordHash = hit;
    return;
  }
  let running: Promise<void> | undefined;
  const run = (): Promise<void> =>
    (running ??= hashPassword(plain, params).then((hash) => {
      user.passwordHash = hash;
      delete user.passwordHashing;
      cached?.cache.set(cached.who, plain, params, hash);
    }));
  user.passwordHashing = {
    then: (onFulfilled, onRejected) => run().then(onFulfilled, onRejected),
  };
  const queue = queues.get(owner) ?? [];
  queues.set(owner, queue);
  queue.push(run);
}

/**
 * Hashes every password deferred under `owner`, one after the other, until `stopped()` says so
 * between two (the idp is closing). Resolves when they are done, with how many were hashed; a
 * failed hash is reported through `onError` and leaves that user's `passwordHashing` rejecting
 * (their logins fail with a server error rather than ever accepting an unhashed password).
 */
export async function hashDeferredPasswords(
  owner: object,
  onError: (error: unknown) => void,
  stopped: () => boolean = () => false,
): Promise<number> {
  const queue = queues.get(owner) ?? [];
  queues.delete(owner);
  let ran = 0;
  for (const run of queue) {
    if (stopped()) break;
    ran++;
    try {
      await run();
    } catch (error) {
      onError(error);
    }
  }
  return ran;
}
