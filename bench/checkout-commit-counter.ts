/**
 * Counts the transactions shop-api commits while the in-process benchmark runs, from the client
 * side: every pg query of this process goes through pg.Client.prototype.query, so a statement
 * outside BEGIN…COMMIT is one (autocommit) transaction and a BEGIN…COMMIT block is one. A
 * transaction is a *write* commit (a WAL flush, the expensive kind) when it ran INSERT, UPDATE or
 * DELETE. This is measurement code for the benchmark only.
 */
import pg from 'pg';

export interface CommitCounts {
  /** Every committed transaction, read-only ones included (comparable to pg_stat_database.xact_commit). */
  transactions: number;
  /** Transactions that wrote something. */
  writeCommits: number;
  /** Statements sent, BEGIN/COMMIT excluded (round trips of the application's own work). */
  statements: number;
}

const WRITE = /\b(INSERT|UPDATE|DELETE)\b/i;

export function countCommits(): { counts: CommitCounts; stop(): void } {
  const counts: CommitCounts = { transactions: 0, writeCommits: 0, statements: 0 };
  const open = new WeakMap<object, { writes: boolean }>();
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;

  proto.query = function (this: object, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    const head = text.trimStart().slice(0, 8).toUpperCase();
    const tx = open.get(this);
    if (head.startsWith('BEGIN')) open.set(this, { writes: false });
    else if (head.startsWith('COMMIT')) {
      open.delete(this);
      counts.transactions++;
      if (tx?.writes) counts.writeCommits++;
    } else if (head.startsWith('ROLLBACK')) open.delete(this);
    else {
      counts.statements++;
      if (!tx) counts.transactions++;
      // A write statement that changed no row (an empty outbox poll) assigns no transaction id and
      // flushes nothing: only statements that changed rows make a write commit.
      if (WRITE.test(text)) {
        const changed = (r: { rowCount?: number | null } | undefined) => {
          if ((r?.rowCount ?? 0) === 0) return;
          if (tx) tx.writes = true;
          else counts.writeCommits++;
        };
        // pg.Pool#query passes a callback; the kit's transactions use the promise form.
        const callback = args.at(-1);
        if (typeof callback === 'function') {
          args[args.length - 1] = (error: unknown, result: { rowCount?: number | null }) => {
            if (!error) changed(result);
            (callback as (e: unknown, r: unknown) => void)(error, result);
          };
          return original.apply(this, args);
        }
        const result = original.apply(this, args) as Promise<{ rowCount?: number | null }> | undefined;
        void result?.then?.(changed, () => {});
        return result;
      }
    }
    return original.apply(this, args);
  };
  return {
    counts,
    stop() {
      proto.query = original;
    },
  };
}
