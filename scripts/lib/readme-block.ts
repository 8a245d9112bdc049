/** Raised when a file lacks the markers of the block to replace. */
export class MarkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MarkerError";
  }
}

/** The markers around README's generated diagram. */
export const DIAGRAM_MARKERS = {
  start: "<!-- diagram:start -->",
  end: "<!-- diagram:end -->",
} as const;

function bounds(text: string, markers: { start: string; end: string }): [number, number] {
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end);
  if (start < 0 || end < 0 || end < start) {
    throw new MarkerError(
      `expected ${markers.start} followed by ${markers.end}; put both back around the diagram`
    );
  }

  return [start + markers.start.length, end];
}

/** The text between the markers, without the newlines next to them. */
export function readBlock(text: string, markers = DIAGRAM_MARKERS): string {
  const [from, to] = bounds(text, markers);

  return text.slice(from, to).replace(/^\n/, "").replace(/\n$/, "");
}

/** `text` with the block between the markers replaced by `body`; the markers stay. */
export function replaceBlock(text: string, body: string, markers = DIAGRAM_MARKERS): string {
  const [from, to] = bounds(text, markers);

  return `${text.slice(0, from)}\n${body.replace(/\n$/, "")}\n${text.slice(to)}`;
}

/** A Mermaid diagram as a fenced Markdown code block. */
export function mermaidFence(diagram: string): string {
  return `\`\`\`mermaid\n${diagram.replace(/\n$/, "")}\n\`\`\``;
}
