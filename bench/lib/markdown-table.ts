/** A Markdown table from a header row and body rows; pipes in cells are escaped. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[]
): string {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(" | ")} |`;

  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
