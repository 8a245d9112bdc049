import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative, sep } from "node:path";

import { RunSummary, SummaryRow } from "./summary";

/** File name of the gallery in the results folder. */
export const GALLERY_FILE = "gallery.html";

/** Originals above this size get a placeholder: a browser would stall decoding a page of them. */
const MAX_PREVIEW_BYTES = 20 * 1024 * 1024;

/** How a browser can show one file, judged from its first bytes. */
export type Preview =
  | { readonly kind: "image"; readonly format: string }
  | { readonly kind: "placeholder"; readonly reason: string };

/** One card of the gallery. */
export interface GalleryEntry {
  readonly key: string;
  readonly status: string;
  /** Failure reason, or the thumbnail's description for a success. */
  readonly detail: string;
  /** Path of the original relative to the gallery, as a URL. */
  readonly originalHref?: string;
  readonly original: Preview;
  /** Path of the thumbnail relative to the gallery, as a URL. */
  readonly thumbnailHref?: string;
  readonly sourceFacts?: string;
  readonly thumbnailFacts?: string;
  readonly errorKind?: string;
  /** Processing time the image processor reported, in ms. */
  readonly processingMs?: number;
  /** Upload to analytics document, in ms. */
  readonly latencyMs?: number;
}

const SIGNATURES: readonly { readonly format: string; readonly test: (head: Buffer) => boolean }[] =
  [
    { format: "jpeg", test: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
    {
      format: "png",
      test: (h) =>
        h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    },
    { format: "gif", test: (h) => h.subarray(0, 4).toString("latin1") === "GIF8" },
    {
      format: "webp",
      test: (h) =>
        h.subarray(0, 4).toString("latin1") === "RIFF" &&
        h.subarray(8, 12).toString("latin1") === "WEBP",
    },
    { format: "avif", test: (h) => h.subarray(4, 12).toString("latin1") === "ftypavif" },
    { format: "bmp", test: (h) => h.subarray(0, 2).toString("latin1") === "BM" },
    {
      format: "svg",
      test: (h) => /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(h.toString("utf8")),
    },
  ];

const TIFF = (h: Buffer) =>
  ["II*\u0000", "MM\u0000*"].includes(h.subarray(0, 4).toString("latin1"));

function readHead(path: string, bytes = 512): Buffer {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(bytes);
    const read = readSync(fd, head, 0, bytes, 0);

    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Decides whether a browser can show a file in an `<img>`, and if not, says why. */
export function previewOf(path: string): Preview {
  if (!existsSync(path)) return { kind: "placeholder", reason: "original not found" };
  const { size } = statSync(path);
  if (size === 0) return { kind: "placeholder", reason: "empty file" };
  if (size > MAX_PREVIEW_BYTES)
    return { kind: "placeholder", reason: `${formatBytes(size)}: too large to preview` };
  const head = readHead(path);
  const match = SIGNATURES.find((signature) => signature.test(head));
  if (match) return { kind: "image", format: match.format };
  if (TIFF(head)) return { kind: "placeholder", reason: "TIFF: browsers do not display it" };

  return { kind: "placeholder", reason: "not an image a browser can show" };
}

/** A path relative to `fromDir`, percent-encoded segment by segment for an href or src. */
export function relativeHref(fromDir: string, path: string): string {
  return relative(fromDir, path).split(sep).map(encodeURIComponent).join("/");
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;

  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function readRecord(row: SummaryRow): Record<string, unknown> {
  if (!row.recordPath || !existsSync(row.recordPath)) return {};

  return JSON.parse(readFileSync(row.recordPath, "utf8")) as Record<string, unknown>;
}

function facts(
  width: unknown,
  height: unknown,
  format: unknown,
  bytes: unknown
): string | undefined {
  if (typeof width !== "number" || typeof height !== "number") return undefined;
  const parts = [`${width}×${height}`];
  if (typeof format === "string") parts.push(format);
  if (typeof bytes === "number") parts.push(formatBytes(bytes));

  return parts.join(" · ");
}

/** Collects what the gallery shows for each row of a run, reading originals' first bytes and job records. */
export function galleryEntries(summary: RunSummary, galleryDir: string): GalleryEntry[] {
  return summary.rows.map((row): GalleryEntry => {
    const record = readRecord(row);
    const original = previewOf(row.file);
    const thumbnail =
      row.thumbnailPath && existsSync(row.thumbnailPath) ? row.thumbnailPath : undefined;

    return {
      key: row.key,
      status: row.status,
      detail: row.detail,
      original,
      originalHref: existsSync(row.file) ? relativeHref(galleryDir, row.file) : undefined,
      thumbnailHref: thumbnail ? relativeHref(galleryDir, thumbnail) : undefined,
      sourceFacts: facts(
        record.sourceWidth,
        record.sourceHeight,
        record.sourceFormat,
        record.sourceBytes
      ),
      thumbnailFacts: facts(
        record.thumbnailWidth,
        record.thumbnailHeight,
        record.thumbnailContentType,
        record.thumbnailBytes
      ),
      errorKind: typeof record.errorKind === "string" ? record.errorKind : undefined,
      processingMs: typeof record.durationMs === "number" ? record.durationMs : undefined,
      latencyMs: row.latencyMs,
    };
  });
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]!)
  );
}

function imageCell(role: "original" | "thumbnail", entry: GalleryEntry): string {
  const href = role === "original" ? entry.originalHref : entry.thumbnailHref;
  const showable = role === "original" ? entry.original.kind === "image" : href !== undefined;
  const caption = role === "original" ? entry.sourceFacts : entry.thumbnailFacts;
  let body: string;
  if (showable && href) {
    const alt = `${role} of ${entry.key}`;
    body = `<a href="${escapeHtml(href)}"><img class="${role}" src="${escapeHtml(
      href
    )}" alt="${escapeHtml(alt)}"></a>`;
  } else {
    const reason =
      role === "original"
        ? entry.original.kind === "placeholder"
          ? entry.original.reason
          : "original not found"
        : "no thumbnail";
    body = `<div class="placeholder ${role}">${escapeHtml(reason)}</div>`;
  }

  return [
    `<figure class="${role}-cell">`,
    `<div class="frame">${body}</div>`,
    `<figcaption>${role}${caption ? ` · ${escapeHtml(caption)}` : ""}</figcaption>`,
    "</figure>",
  ].join("");
}

function card(entry: GalleryEntry): string {
  const timings = [
    entry.processingMs === undefined ? undefined : `processing ${entry.processingMs} ms`,
    entry.latencyMs === undefined ? undefined : `upload → analytics ${entry.latencyMs} ms`,
  ].filter((part): part is string => part !== undefined);
  const failed = entry.status !== "SUCCEEDED";
  const reason = failed
    ? `<p class="reason">${
        entry.errorKind ? `<span class="kind">${escapeHtml(entry.errorKind)}</span> · ` : ""
      }${escapeHtml(entry.detail || "no reason recorded")}</p>`
    : "";

  return [
    `<article class="job status-${escapeHtml(entry.status.toLowerCase())}">`,
    `<header><code>${escapeHtml(entry.key)}</code><span class="status">${escapeHtml(
      entry.status
    )}</span></header>`,
    `<div class="pair">${imageCell("original", entry)}${imageCell("thumbnail", entry)}</div>`,
    reason,
    `<p class="timings">${escapeHtml(timings.join(" · ") || "no timings")}</p>`,
    "</article>",
  ].join("\n");
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; background: #f6f7f9; color: #1f2328; }
h1 { font-size: 20px; margin: 0 0 4px; }
.counts { margin: 0 0 16px; color: #59636e; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 12px; }
.job { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 10px; }
.job header { display: flex; justify-content: space-between; gap: 8px; margin-bottom: 8px; }
.job code { overflow-wrap: anywhere; }
.status { font-weight: 600; padding: 0 6px; border-radius: 4px; color: #fff; background: #59636e; }
.status-succeeded .status { background: #1a7f37; }
.status-failed .status { background: #cf222e; }
.pair { display: flex; gap: 12px; align-items: flex-start; }
figure { margin: 0; }
.original-cell .frame { width: 256px; height: 256px; }
.thumbnail-cell .frame { width: 128px; height: 128px; }
.frame { display: flex; align-items: center; justify-content: center; background: #eef1f4; }
.frame a { display: contents; }
.frame img { max-width: 100%; max-height: 100%; }
.placeholder { padding: 8px; text-align: center; color: #59636e; font-size: 12px; }
figcaption { font-size: 12px; color: #59636e; margin-top: 4px; max-width: 256px; }
.reason { margin: 8px 0 0; color: #82071e; }
.kind { font-family: ui-monospace, monospace; }
.timings { margin: 6px 0 0; color: #59636e; font-size: 12px; }
`;

/** The gallery page for a run: one card per upload, no script, images by relative path only. */
export function renderGallery(
  entries: readonly GalleryEntry[],
  counts: Readonly<Record<string, number>>
): string {
  const countLine = Object.entries(counts)
    .map(([status, count]) => `${count} ${status}`)
    .join(", ");

  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    // Only the page's own style and local images: nothing is fetched from anywhere else.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src file: 'self'; style-src 'unsafe-inline'">`,
    "<title>image-pipeline: local run</title>",
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<h1>image-pipeline: local run</h1>",
    `<p class="counts">${escapeHtml(countLine || "no uploads")}</p>`,
    "<main>",
    ...entries.map(card),
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * Writes `<resultsDir>/gallery.html` for a run: each original beside its
 * thumbnail (or a placeholder for files a browser cannot show), the status,
 * the failure reason and the timings. Returns the page's path.
 */
export function writeGallery(summary: RunSummary, resultsDir: string): string {
  const path = join(resultsDir, GALLERY_FILE);
  writeFileSync(path, renderGallery(galleryEntries(summary, resultsDir), summary.counts));

  return path;
}
