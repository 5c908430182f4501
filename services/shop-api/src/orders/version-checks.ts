import { context, type Context } from '@opentelemetry/api';
import type { Queryable } from '../lib/db.ts';
import { orderHistoryVersions } from './order-history.ts';

/** The current version of a user's orders (orderHistoryVersions), asked after the call was made. */
export type VersionCheck = (userId: string) => Promise<string>;

interface Waiter {
  resolve(version: string): void;
  reject(error: unknown): void;
}

/** Users asked about in one statement; the others wait for the next one. */
const MAX_USERS_PER_STATEMENT = 256;

/**
 * Version checks of concurrent readers, asked together: at most one statement is in flight, and
 * the checks that arrive meanwhile go in the next one, sent as soon as it returns. A check is
 * therefore always sent after it was asked for, so it sees every change committed before its
 * reader arrived — as current as a statement of its own — while N readers arriving together cost
 * one round trip instead of N (readers of one user share their answer).
 *
 * The statement's span belongs to the trace of the first reader in it.
 */
export function batchedVersionChecks(db: Queryable): VersionCheck {
  /** Per user waiting, its readers and the context of the first (its trace). */
  const waiting = new Map<string, { context: Context; waiters: Waiter[] }>();
  let sending = false;

  const send = () => {
    const batch = new Map<string, Waiter[]>();
    let traced: Context | undefined;
    for (const [userId, user] of waiting) {
      if (batch.size === MAX_USERS_PER_STATEMENT) break;
      traced ??= user.context;
      batch.set(userId, user.waiters);
      waiting.delete(userId);
    }
    sending = true;
    context
      .with(traced ?? context.active(), () => orderHistoryVersions(db, [...batch.keys()]))
      .then(
        (versions) => {
          for (const [userId, waiters] of batch)
            for (const waiter of waiters) waiter.resolve(versions.get(userId) ?? '');
        },
        (error: unknown) => {
          for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
        },
      )
      .finally(() => {
        sending = false;
        if (waiting.size > 0) send();
      });
  };

  return (userId) =>
    new Promise<string>((resolve, reject) => {
      const user = waiting.get(userId);
      if (user) user.waiters.push({ resolve, reject });
      else waiting.set(userId, { context: context.active(), waiters: [{ resolve, reject }] });
      if (!sending) send();
    });
}
