// kubectl's table layout (cli-runtime printers.GetNewTabWriter): Go's tabwriter with
// minwidth 6, padding 3, spaces, and RememberWidths, so the rows `get -w` prints one
// at a time line up under the header printed before them (a column only ever grows).
// The last cell of a line is never padded.

const MIN_WIDTH = 6;
const PADDING = 3;

export class TabWriter {
  private widths: number[] = [];

  /** Lay out these lines (cells), widening the remembered columns as needed. */
  format(lines: readonly (readonly string[])[]): string {
    for (const line of lines) {
      line.forEach((cell, index) => {
        if (index === line.length - 1) return;
        this.widths[index] = Math.max(this.widths[index] ?? MIN_WIDTH, cell.length + PADDING);
      });
    }
    return lines
      .map((line) =>
        line
          .map((cell, index) =>
            index === line.length - 1 ? cell : cell.padEnd(this.widths[index] ?? 0),
          )
          .join(''),
      )
      .map((text) => `${text}\n`)
      .join('');
  }

  /** A new resource group (get all): kubectl flushes and forgets the widths. */
  reset(): void {
    this.widths = [];
  }
}

/** One table laid out on its own. */
export function formatKubectlTable(lines: readonly (readonly string[])[]): string {
  return new TabWriter().format(lines);
}

/**
 * Several kinds' tables (get all): each laid out on its own widths, a blank line
 * before each later one that has rows, none with --no-headers (kubectl get.go).
 */
export function formatGroups(
  tables: readonly (readonly (readonly string[])[])[],
  noHeaders = false,
): string {
  let out = '';
  for (const lines of tables) {
    if (lines.length === 0 || (!noHeaders && lines.length === 1)) continue;
    if (out !== '' && !noHeaders) out += '\n';
    out += formatKubectlTable(lines);
  }
  return out;
}
