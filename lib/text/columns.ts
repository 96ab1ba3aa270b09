/**
 * Plain aligned text columns, in one pass over the rows: the table libraries measure every
 * cell's display width with Unicode-aware code that made a 20,000-row prune plan take most of
 * a minute to print. Cells here are plain ASCII-ish text; colour is applied after padding.
 */

/** How a row's cells are coloured once padded (identity when colour is off). */
export type Paint = (row: number, column: number, padded: string) => string;

/** Lines of `rows` under `head`, each column as wide as its widest cell, separated by two spaces. */
export function columns(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  paint?: Paint,
): string[] {
  const widths = head.map((h) => h.length);
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) widths[c] = Math.max(widths[c] ?? 0, row[c]!.length);
  }
  const line = (cells: readonly string[], r: number) =>
    cells
      .map((cell, c) => {
        const padded = c === cells.length - 1 ? cell : cell.padEnd(widths[c]!);
        return paint && r >= 0 ? paint(r, c, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(head, -1), ...rows.map((row, r) => line(row, r))];
}
