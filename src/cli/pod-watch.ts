// `get -w` without an API server's watch: podrun polls, and these are the rows a poll
// prints, as kubectl prints watch events: a row for an object that appeared, one for
// an object whose row (READY, STATUS, RESTARTS, IP, labels; not its AGE) changed,
// and the last row of an object that is gone.

export interface WatchedRow {
  key: string;
  /** What a change of prints a row; AGE is not part of it. */
  state: string;
  cells: string[];
}

export function watchChanges(
  previous: ReadonlyMap<string, WatchedRow>,
  current: readonly WatchedRow[],
): { rows: string[][]; next: Map<string, WatchedRow> } {
  const next = new Map(current.map((row) => [row.key, row]));
  const rows: string[][] = [];
  for (const row of current) {
    if (previous.get(row.key)?.state !== row.state) rows.push(row.cells);
  }
  for (const [key, row] of previous) if (!next.has(key)) rows.push(row.cells);
  return { rows, next };
}
