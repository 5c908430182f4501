import { context, type Context } from '@opentelemetry/api';
import type { Queryable } from '../lib/db.ts';
import { DependencyUnavailable } from '../errors.ts';
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
 * A statement that has not answered within `timeoutMs` fails its checks (503) and the next one is
 * sent: a connection that hangs holds up the readers of one statement, not every later one.
 * The statement's span belongs to the trace of the first reader in it.
 */
export function batchedVersionChecks(db: Queryable, { timeoutMs = 5000 } = {}): VersionCheck {
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
    let settled = false;
    const settle = (answer: (waiter: Waiter, userId: string) => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const [userId, waiters] of batch) for (const waiter of waiters) answer(waiter, userId);
      sending = false;
      if (waiting.size > 0) send();
    };
    const timer = setTimeout(() => {
      const late = new DependencyUnavailable('The order history could not be read in time; retry shortly', {
        headers: { 'retry-after': '1' },
      });
      settle((waiter) => waiter.reject(late));
    }, timeoutMs);
    statement(traced, [...batch.keys()]).then(
      (versions) => settle((waiter, userId) => waiter.resolve(versions.get(userId) ?? '')),
      (error: unknown) => settle((waiter) => waiter.reject(error)),
    );
  };

  /** The statement, as a promise whatever happens (a throw would leave `sending` set for ever). */
  const statement = async (traced: Context | undefined, userIds: string[]) =>
    context.with(traced ?? context.active(), () => orderHistoryVersions(db, userIds));

  return (userId) =>
    new Promise<string>((resolve, reject) => {
      const user = waiting.get(userId);
      if (user) user.waiters.push({ resolve, reject });
      else waiting.set(userId, { context: context.active(), waiters: [{ resolve, reject }] });
      if (!sending) send();
    });
}
