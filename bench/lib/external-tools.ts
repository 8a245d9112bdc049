import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** A comparison tool found on this machine, with its version. */
export interface ExternalTool {
  readonly path: string;
  readonly version: string;
}

/** The Debian-packaged tools the thumbnail comparison uses; absent ones are undefined. */
export interface ExternalTools {
  /** Debian's python3 with python3-pil (Pillow). */
  readonly pillow?: ExternalTool;
  /** ImageMagick's own convert binary (package imagemagick), never a wrapper on PATH. */
  readonly imagemagick?: ExternalTool;
  /** djpeg from libjpeg-turbo-progs. */
  readonly djpeg?: ExternalTool;
  /** Why each missing tool is missing, for the report. */
  readonly missing: readonly string[];
}

/** Debian's interpreter, not whatever python3 comes first on PATH. */
const DEBIAN_PYTHON = "/usr/bin/python3";

/**
 * ImageMagick's versioned binaries as Debian installs them (6 in bookworm,
 * 7 later); the unversioned `convert` on PATH may be an alternative or a
 * wrapper, so it is not used.
 */
const IMAGEMAGICK_BINARIES = [
  "/usr/bin/convert-im6.q16",
  "/usr/bin/magick-im7.q16",
  "/usr/bin/convert-im7.q16",
];

const DJPEG = "/usr/bin/djpeg";

function firstLine(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0 && !result.stdout && !result.stderr) return undefined;
  const text = `${result.stdout}\n${result.stderr}`.trim();

  return text.split("\n")[0]?.trim() || undefined;
}

/** Finds Pillow, ImageMagick and djpeg as the Debian packages install them. */
export function findExternalTools(): ExternalTools {
  const missing: string[] = [];
  const setup = "install it with bench/setup-debian.sh";

  let pillow: ExternalTool | undefined;
  if (existsSync(DEBIAN_PYTHON)) {
    const result = spawnSync(DEBIAN_PYTHON, ["-c", "import PIL; print(PIL.__version__)"], {
      encoding: "utf8",
    });
    if (result.status === 0)
      pillow = { path: DEBIAN_PYTHON, version: `Pillow ${result.stdout.trim()}` };
  }
  if (!pillow) missing.push(`Pillow (Debian python3-pil) is not installed: ${setup}`);

  let imagemagick: ExternalTool | undefined;
  const magick = IMAGEMAGICK_BINARIES.find((path) => existsSync(path));
  if (magick) {
    const version = firstLine(magick, ["-version"]);
    if (version)
      imagemagick = {
        path: magick,
        version: version.replace(/^Version:\s*/, "").split(" https")[0],
      };
  }
  if (!imagemagick) missing.push(`ImageMagick (Debian imagemagick) is not installed: ${setup}`);

  let djpeg: ExternalTool | undefined;
  if (existsSync(DJPEG)) {
    const version = firstLine(DJPEG, ["-version"]);
    djpeg = { path: DJPEG, version: version ?? "unknown version" };
  }
  if (!djpeg) missing.push(`djpeg (Debian libjpeg-turbo-progs) is not installed: ${setup}`);

  return { pillow, imagemagick, djpeg, missing };
}
