import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

import sharp from "sharp";

import { ROOT } from "./work-dir";

/** What the figures were measured on. */
export interface MachineInfo {
  readonly date: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly sharp: string;
  readonly libvips: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly commit: string;
}

/** Packages whose versions the figures depend on. */
const PACKAGES = [
  "cdktf",
  "cdktf-cli",
  "@cdktf/provider-aws",
  "@cdktf/provider-archive",
  "constructs",
  "esbuild",
  "tsx",
  "typescript",
  "@aws-sdk/client-s3",
  "@aws-lambda-powertools/logger",
  "s3rver",
  "dynalite",
  "fauxqs",
];

function packageVersion(name: string): string {
  try {
    const text = readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8");

    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

/** Cores, CPU model, memory, Node, sharp and libvips, package versions and the commit. */
export function machineInfo(): MachineInfo {
  const git = spawnSync("git", ["describe", "--always", "--dirty", "--abbrev=12"], {
    cwd: ROOT,
    encoding: "utf8",
  });

  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    sharp: sharp.versions.sharp ?? "unknown",
    libvips: sharp.versions.vips,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
    commit: git.status === 0 ? git.stdout.trim() : "unknown",
  };
}
