/** One broken invariant, named so a report (and a test) can say exactly what and where. */
export interface Violation {
  /** A stable name: 'confirmed-without-money', 'stock-not-conserved', … */
  invariant: string;
  /** What it concerns: 'order 17', 'charge ch_…', 'product 3', 'key k-…'. */
  ids: string[];
  detail: string;
}

/** Rows grouped by a key, for "the charges of order 17" style lookups. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
