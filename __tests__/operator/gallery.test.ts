/**
 * The gallery page of a local run, as HTML: which originals get an image and
 * which a placeholder, relative and encoded paths, escaping, and what each
 * card says. The page in a real browser is gallery-browser.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";

import {
  escapeHtml,
  previewOf,
  relativeHref,
  renderGallery,
  writeGallery,
} from "../../local/gallery";
import type { RunSummary } from "../../local/summary";

const dir = mkdtempSync(join(tmpdir(), "gallery-"));

async function file(name: string, body: Buffer | Promise<Buffer>): Promise<string> {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, await body);

  return path;
}

const solid = (format: "png" | "jpeg" | "tiff" | "webp" | "gif") =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: "#3366cc" } })
    .toFormat(format)
    .toBuffer();

describe("previewOf", () => {
  it.each(["png", "jpeg", "webp", "gif"] as const)(
    "shows a %s original as an image",
    async (format) => {
      // Arrange
      const path = await file(`preview.${format}`, solid(format));

      // Act
      const preview = previewOf(path);

      // Assert
      expect(preview).toEqual({ kind: "image", format });
    }
  );

  it("gives TIFF, empty, text and missing originals a placeholder that says why", async () => {
    // Arrange
    const tiff = await file("scan.tiff", solid("tiff"));
    const empty = await file("empty.jpg", Buffer.alloc(0));
    const text = await file("notes.jpg", Buffer.from("shopping list\n"));

    // Act
    const previews = [tiff, empty, text, join(dir, "missing.png")].map(previewOf);

    // Assert
    expect(previews).toEqual([
      { kind: "placeholder", reason: "TIFF: browsers do not display it" },
      { kind: "placeholder", reason: "empty file" },
      { kind: "placeholder", reason: "not an image a browser can show" },
      { kind: "placeholder", reason: "original not found" },
    ]);
  });

  it("recognises an SVG by its root element", async () => {
    // Arrange
    const svg = await file(
      "logo.jpg",
      Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')
    );

    // Act
    const preview = previewOf(svg);

    // Assert
    expect(preview).toEqual({ kind: "image", format: "svg" });
  });
});

describe("relativeHref", () => {
  it("encodes each segment, so keys with #, ?, % and spaces stay one path", () => {
    // Act
    const href = relativeHref("/out/results", "/out/results/thumbnails/a #1/b?c%d é.png");

    // Assert
    expect(href).toBe("thumbnails/a%20%231/b%3Fc%25d%20%C3%A9.png");
  });

  it("climbs out of the results folder for originals elsewhere", () => {
    // Act
    const href = relativeHref("/out/results", "/home/me/Pictures/cat.jpg");

    // Assert
    expect(href).toBe("../../home/me/Pictures/cat.jpg");
  });
});

describe("writeGallery", () => {
  it("writes one card per upload with original, thumbnail, status, reason and timings", async () => {
    // Arrange
    const resultsDir = join(dir, "results");
    const photo = await file("in/photo.png", solid("png"));
    const scan = await file("in/scan.tiff", solid("tiff"));
    const notes = await file("in/notes.jpg", Buffer.from("not an image"));
    const thumb = await file("results/thumbnails/photo.png", solid("jpeg"));
    const scanThumb = await file("results/thumbnails/scan.tiff", solid("jpeg"));
    const record = await file(
      "results/records/job-1.json",
      Buffer.from(
        JSON.stringify({
          status: "SUCCEEDED",
          sourceWidth: 8,
          sourceHeight: 8,
          sourceFormat: "png",
          sourceBytes: 90,
          thumbnailWidth: 8,
          thumbnailHeight: 8,
          thumbnailContentType: "image/jpeg",
          thumbnailBytes: 300,
          durationMs: 42,
        })
      )
    );
    const failedRecord = await file(
      "results/records/job-3.json",
      Buffer.from(JSON.stringify({ status: "FAILED", errorKind: "unsupported", durationMs: 7 }))
    );
    const summary: RunSummary = {
      rows: [
        {
          key: "photo.png",
          file: photo,
          status: "SUCCEEDED",
          detail: "8x8",
          latencyMs: 900,
          thumbnailPath: thumb,
          recordPath: record,
          duplicates: 0,
        },
        {
          key: "scan.tiff",
          file: scan,
          status: "SUCCEEDED",
          detail: "8x8",
          thumbnailPath: scanThumb,
          duplicates: 0,
        },
        {
          key: "bad/<notes>.jpg",
          file: notes,
          status: "FAILED",
          detail: 'Not an image: "text"',
          latencyMs: 800,
          recordPath: failedRecord,
          duplicates: 0,
        },
      ],
      counts: { SUCCEEDED: 2, FAILED: 1 },
      problems: [],
    };

    // Act
    const path = writeGallery(summary, resultsDir);

    // Assert
    const html = readFileSync(path, "utf8");
    expect(path).toBe(join(resultsDir, "gallery.html"));
    expect(html).toContain("2 SUCCEEDED, 1 FAILED");
    expect(html.match(/<article /g)).toHaveLength(3);
    expect(html).toContain('src="../in/photo.png"');
    expect(html).toContain('src="thumbnails/photo.png"');
    expect(html).toContain('src="thumbnails/scan.tiff"');
    expect(html).not.toContain('src="../in/scan.tiff"');
    expect(html).toContain("TIFF: browsers do not display it");
    expect(html).toContain("original · 8×8 · png · 90 bytes");
    expect(html).toContain("thumbnail · 8×8 · image/jpeg · 300 bytes");
    expect(html).toContain("processing 42 ms · upload → analytics 900 ms");
    expect(html).toContain("<code>bad/&lt;notes&gt;.jpg</code>");
    expect(html).toContain(
      '<span class="kind">unsupported</span> · Not an image: &quot;text&quot;'
    );
    expect(html).toContain("no thumbnail");
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});

describe("renderGallery", () => {
  it("says so when a run had no uploads", () => {
    // Act
    const html = renderGallery([], {});

    // Assert
    expect(html).toContain('<p class="counts">no uploads</p>');
  });

  it("escapes the five HTML-special characters", () => {
    // Act
    const escaped = escapeHtml(`<a href="x">'&'</a>`);

    // Assert
    expect(escaped).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
