import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import type { LambdaArchitecture } from "../../stacks/config";
import { PIPELINE_FUNCTIONS } from "../../stacks/repo-layout";
import { copySharpPackages } from "./sharp-packages";
import { normalizeTree, removeEmptyFolders, treeBytes, treeHash } from "./tree-files";

/** One Lambda entry point to bundle. */
export interface HandlerEntry {
  /** Build folder name under `<outDir>/<arch>/`. */
  readonly name: string;
  /** Entry file exporting `handler`. */
  readonly entry: string;
  /** Whether sharp's native packages go into the folder's node_modules. */
  readonly withSharp: boolean;
}

/** Options of {@link buildHandlers}. */
export interface BuildHandlersOptions {
  /** Repository root: its node_modules provide sharp and the bundled packages. */
  readonly projectRoot: string;
  /** Instruction set of the target functions. */
  readonly arch: LambdaArchitecture;
  /** Output root; default `<projectRoot>/dist`. */
  readonly outDir?: string;
  /** Entries; default the pipeline's two handlers in `handlers/`. */
  readonly entries?: readonly HandlerEntry[];
}

/** What one built function folder holds. */
export interface BuiltFunction {
  /** Folder name. */
  readonly name: string;
  /** Absolute path of the folder. */
  readonly dir: string;
  /** Size of index.js in bytes. */
  readonly jsBytes: number;
  /** Size of every file in the folder in bytes. */
  readonly totalBytes: number;
  /** {@link treeHash} of the folder. */
  readonly treeHash: string;
}

/** The pipeline's handlers as built by `npm run build`. */
export function pipelineEntries(projectRoot: string): HandlerEntry[] {
  return PIPELINE_FUNCTIONS.map((name) => ({
    name,
    entry: join(projectRoot, "handlers", `${name}.ts`),
    withSharp: name === "image-processor",
  }));
}

/**
 * Builds each function folder `<outDir>/<arch>/<name>/` (the layout of
 * `functionDistDir`, which the stack zips) from scratch:
 * `index.js` is an esbuild bundle (CommonJS, Node 22, minified) that includes
 * the AWS SDK, so the deployed code runs the SDK version the tests ran rather
 * than whatever the Lambda runtime ships; sharp stays external and its
 * Linux/glibc binaries for `arch` are copied next to it. Modes and times are
 * then fixed, so unchanged sources give a byte-identical folder.
 */
export async function buildHandlers(options: BuildHandlersOptions): Promise<BuiltFunction[]> {
  const outDir = options.outDir ?? join(options.projectRoot, "dist");
  const entries = options.entries ?? pipelineEntries(options.projectRoot);
  const built: BuiltFunction[] = [];

  for (const entry of entries) {
    const dir = join(outDir, options.arch, entry.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });

    await build({
      entryPoints: [entry.entry],
      outfile: join(dir, "index.js"),
      absWorkingDir: options.projectRoot,
      nodePaths: [join(options.projectRoot, "node_modules")],
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      minify: true,
      // ESM builds of the SDK and Powertools tree-shake better than their CommonJS ones.
      mainFields: ["module", "main"],
      external: ["sharp"],
      legalComments: "none",
      logLevel: "warning",
    });
    if (entry.withSharp) {
      copySharpPackages({
        projectRoot: options.projectRoot,
        arch: options.arch,
        destination: dir,
        cacheDir: join(outDir, ".cache"),
      });
    }
    removeEmptyFolders(dir);
    normalizeTree(dir);

    built.push({
      name: entry.name,
      dir,
      jsBytes: statSync(join(dir, "index.js")).size,
      totalBytes: treeBytes(dir),
      treeHash: treeHash(dir),
    });
  }

  return built;
}
