import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import type { LambdaArchitecture } from "../../stacks/config";

/** Raised when sharp's packages for the target cannot be found or installed. */
export class SharpPackagesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SharpPackagesError";
  }
}

/** npm's name of a Lambda architecture (`--cpu`, package.json `cpu`). */
export function npmCpu(arch: LambdaArchitecture): "arm64" | "x64" {
  return arch === "arm64" ? "arm64" : "x64";
}

interface PackageJson {
  name: string;
  version: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Files a Lambda never loads: type declarations, C++ sources and headers, docs. */
const SKIPPED_FILE = /(\.d\.[cm]?ts|\.cc|\.h|\.gyp|\.map|^README\.md|^CHANGELOG\.md)$/i;

/**
 * Copies sharp and every package it loads at run time on Linux/glibc for the
 * given architecture into `<destination>/node_modules`, keeping each
 * package's place in the tree. For this host's own Linux/glibc architecture
 * the packages come from the project's node_modules; otherwise npm installs
 * the same sharp version for the target into `<cacheDir>` once (no Docker,
 * prebuilt binaries only, install scripts skipped).
 *
 * @returns the sharp version copied
 */
export function copySharpPackages(options: {
  projectRoot: string;
  arch: LambdaArchitecture;
  destination: string;
  cacheDir: string;
}): string {
  const projectModules = join(options.projectRoot, "node_modules");
  const version = readPackage(join(projectModules, "sharp")).version;
  const cpu = npmCpu(options.arch);
  const hasTarget = (modules: string) =>
    existsSync(join(modules, "@img", `sharp-linux-${cpu}`, "package.json")) &&
    existsSync(join(modules, "@img", `sharp-libvips-linux-${cpu}`, "package.json"));

  const modules = hasTarget(projectModules)
    ? projectModules
    : installForTarget(version, cpu, options.cacheDir);
  if (!hasTarget(modules)) {
    throw new SharpPackagesError(
      `npm installed no @img/sharp-linux-${cpu} binaries into ${modules}`
    );
  }
  for (const dir of runtimeClosure(modules, cpu)) {
    const target = join(options.destination, "node_modules", relative(modules, dir));
    cpSync(dir, target, {
      recursive: true,
      dereference: true,
      filter: (source) => {
        const rel = relative(dir, source);
        return !rel.split(sep).includes("node_modules") && !SKIPPED_FILE.test(basename(source));
      },
    });
  }

  return version;
}

/** Folders of sharp and of its dependencies that apply to linux/<cpu>/glibc. */
function runtimeClosure(modules: string, cpu: string): string[] {
  const projectRoot = dirname(modules);
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = readPackage(dir);
    const deps = { ...pkg.dependencies, ...pkg.optionalDependencies };
    for (const name of Object.keys(deps).sort()) {
      const found = resolvePackage(dir, name, projectRoot);
      const optional = pkg.optionalDependencies?.[name] !== undefined;
      if (found === undefined) {
        if (optional) continue;
        throw new SharpPackagesError(
          `${pkg.name} needs ${name}, which is not installed under ${modules}`
        );
      }
      if (appliesTo(readPackage(found), cpu)) visit(found);
    }
  };
  visit(join(modules, "sharp"));

  return [...seen].sort();
}

/** Node's lookup: `node_modules/<name>` in each ancestor folder, up to the project root. */
function resolvePackage(fromDir: string, name: string, projectRoot: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (basename(dir) !== "node_modules") {
      const candidate = join(dir, "node_modules", name);
      if (existsSync(join(candidate, "package.json"))) return candidate;
    }
    if (dir === projectRoot || dir === dirname(dir)) return undefined;
  }
}

function appliesTo(pkg: PackageJson, cpu: string): boolean {
  const allows = (list: string[] | undefined, value: string) =>
    list === undefined || (list.includes(value) && !list.includes(`!${value}`));

  return allows(pkg.os, "linux") && allows(pkg.cpu, cpu) && allows(pkg.libc, "glibc");
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
}

function installForTarget(version: string, cpu: string, cacheDir: string): string {
  const cached = join(cacheDir, `sharp-${version}-linux-${cpu}-glibc`);
  if (existsSync(join(cached, "node_modules", "sharp", "package.json")))
    return join(cached, "node_modules");

  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(join(cacheDir, "install-"));
  const args = [
    "install",
    "--no-save",
    "--no-package-lock",
    "--ignore-scripts",
    "--no-audit",
    "--no-fund",
    "--os=linux",
    `--cpu=${cpu}`,
    "--libc=glibc",
    "--prefix",
    staging,
    `sharp@${version}`,
  ];
  const result = spawnSync("npm", args, { stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new SharpPackagesError(
      `npm ${args.join(" ")} failed (exit ${
        result.status ?? result.signal
      }); the npm registry must be reachable`
    );
  }
  rmSync(cached, { recursive: true, force: true });
  renameSync(staging, cached);

  return join(cached, "node_modules");
}
