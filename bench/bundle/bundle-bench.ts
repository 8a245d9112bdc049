import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { build, type BuildOptions, type Metafile } from "esbuild";

import { buildHandlers } from "../../scripts/lib/handler-build";
import { zipFolder } from "../lib/deterministic-zip";
import { measureProcess } from "../lib/measure-process";
import { type Summary, summarize } from "../lib/stats";
import { BENCH_CPU, ROOT, WORK } from "../lib/work-dir";

/** How often module init is measured. */
export interface BundleBenchOptions {
  /** Fresh processes per bundle, after one warm-up. */
  readonly initRuns: number;
}

/** One bundle's size and module init time. */
export interface BundleRow {
  readonly name: string;
  readonly jsBytes: number;
  /** Zip of the whole function folder (sharp included where it is), per architecture. */
  readonly zipBytes?: Partial<Record<"x86_64" | "arm64", number>>;
  /** `require()` of the bundle in a fresh process, measured inside it (wall). */
  readonly init: Summary;
  /** The same require in CPU time (all threads), which other load cannot inflate. */
  readonly initCpu: Summary;
  /** The same fresh process from spawn to exit. */
  readonly process: Summary;
  readonly note?: string;
}

/** Bytes of the processor bundle by package. */
export interface PackageShare {
  readonly name: string;
  readonly bytes: number;
}

/** The bundle section's figures. */
export interface BundleResult {
  readonly rows: readonly BundleRow[];
  readonly processorPackages: readonly PackageShare[];
  /** Why an architecture's zip is missing, if it is. */
  readonly skipped: readonly string[];
  readonly options: BundleBenchOptions;
}

/** What a handler module reads at load; dummy values, nothing is called. */
const HANDLER_ENV = {
  THUMBNAILS_BUCKET: "bench-thumbnails",
  JOBS_TABLE: "bench-jobs",
  EVENTS_TOPIC_ARN: "arn:aws:sns:ap-south-1:000000000000:bench-events",
  ANALYTICS_BUCKET: "bench-analytics",
  AWS_REGION: "ap-south-1",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

const INIT_SCRIPT =
  "const t=performance.now(),c=process.cpuUsage();require(process.argv[1]);" +
  "const u=process.cpuUsage(c);" +
  "process.stdout.write(JSON.stringify({initMs:performance.now()-t,cpuMs:(u.user+u.system)/1000}))";

async function measureInit(
  modulePath: string,
  runs: number
): Promise<{ init: Summary; initCpu: Summary; process: Summary }> {
  const init: number[] = [];
  const initCpu: number[] = [];
  const wall: number[] = [];
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...HANDLER_ENV };
  for (let i = 0; i <= runs; i += 1) {
    const measured = await measureProcess(process.execPath, ["-e", INIT_SCRIPT, modulePath], {
      cpu: BENCH_CPU,
      sampleMs: 0,
      env,
    });
    if (i === 0) continue;
    const parsed = JSON.parse(measured.stdout) as { initMs: number; cpuMs: number };
    init.push(parsed.initMs);
    initCpu.push(parsed.cpuMs);
    wall.push(measured.wallMs);
  }

  return { init: summarize(init), initCpu: summarize(initCpu), process: summarize(wall) };
}

/** The options scripts/lib/handler-build.ts gives esbuild, for a bundle with a metafile. */
function handlerBuildOptions(
  entry: string,
  outfile: string,
  external: string[],
  alias?: Record<string, string>
): BuildOptions {
  return {
    alias,
    entryPoints: [entry],
    outfile,
    absWorkingDir: ROOT,
    nodePaths: [join(ROOT, "node_modules")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    mainFields: ["module", "main"],
    external,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  };
}

function packageShares(metafile: Metafile): PackageShare[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match ? match[1] : "project code (handlers/)";
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }

  return [...byPackage.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}

/**
 * Builds both handlers with the project's own build (into the bench's
 * folder), zips each function folder reproducibly, and times module init in
 * fresh processes, beside a plain esbuild bundle of the same SDK clients and
 * the processor with the SDK left to the runtime.
 */
export async function runBundleBench(
  options: BundleBenchOptions,
  log: (line: string) => void
): Promise<BundleResult> {
  const outDir = join(WORK, "dist");
  const skipped: string[] = [];
  log("  building the handlers for x86_64");
  const host = await buildHandlers({ projectRoot: ROOT, arch: "x86_64", outDir });
  let arm: Awaited<ReturnType<typeof buildHandlers>> | undefined;
  try {
    log(
      "  building the handlers for arm64 (sharp's arm64 binaries come from the npm registry once)"
    );
    arm = await buildHandlers({ projectRoot: ROOT, arch: "arm64", outDir });
  } catch (error) {
    skipped.push(`arm64 build: ${(error as Error).message}`);
  }

  const compare = join(WORK, "bundle");
  rmSync(compare, { recursive: true, force: true });
  mkdirSync(compare, { recursive: true });
  const processorEntry = join(ROOT, "handlers", "image-processor.ts");
  const metaBuild = await build(
    handlerBuildOptions(processorEntry, join(compare, "meta", "index.js"), ["sharp"])
  );
  const processorPackages = packageShares(metaBuild.metafile!);

  // The processor with the SDK left out, beside the copied sharp, as if the runtime's SDK were used.
  const sdkExternal = join(compare, "sdk-external");
  await build(
    handlerBuildOptions(processorEntry, join(sdkExternal, "index.js"), ["sharp", "@aws-sdk/*"])
  );
  cpSync(join(host[0].dir, "node_modules"), join(sdkExternal, "node_modules"), { recursive: true });

  // The processor with the credential chain cut to its environment-variable link.
  const envCredentials = join(compare, "env-credentials");
  await build(
    handlerBuildOptions(processorEntry, join(envCredentials, "index.js"), ["sharp"], {
      "@aws-sdk/credential-provider-node": join(__dirname, "env-only-credentials.ts"),
    })
  );
  cpSync(join(host[0].dir, "node_modules"), join(envCredentials, "node_modules"), {
    recursive: true,
  });

  const plainSdk = join(compare, "sdk-clients", "index.js");
  await build({
    entryPoints: [join(__dirname, "sdk-clients-entry.ts")],
    outfile: plainSdk,
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    logLevel: "warning",
  });

  const zips = (name: string) => {
    const result: Partial<Record<"x86_64" | "arm64", number>> = {};
    for (const built of [host, arm]) {
      const fn = built?.find((candidate) => candidate.name === name);
      if (!fn) continue;
      const zip = zipFolder(fn.dir);
      const arch = fn.dir.includes(`${join("dist", "arm64")}`) ? "arm64" : "x86_64";
      writeFileSync(join(compare, `${name}-${arch}.zip`), zip);
      result[arch] = zip.length;
    }

    return result;
  };

  const rows: BundleRow[] = [];
  for (const fn of host) {
    log(`  module init of ${fn.name}`);
    rows.push({
      name: `${fn.name} (npm run build)`,
      jsBytes: fn.jsBytes,
      zipBytes: zips(fn.name),
      ...(await measureInit(join(fn.dir, "index.js"), options.initRuns)),
    });
  }
  log("  module init of the comparison bundles");
  rows.push({
    name: "plain esbuild bundle of the SDK clients (S3, DynamoDB + document client, SNS)",
    jsBytes: statSync(plainSdk).size,
    ...(await measureInit(plainSdk, options.initRuns)),
    note: "esbuild defaults (CommonJS builds of the SDK), minified, Node 22 target",
  });
  rows.push({
    name: "image-processor, credential chain cut to environment variables (esbuild alias)",
    jsBytes: statSync(join(envCredentials, "index.js")).size,
    zipBytes: { x86_64: zipFolder(envCredentials).length },
    ...(await measureInit(join(envCredentials, "index.js"), options.initRuns)),
    note: "Lambda hands a function its role's credentials in environment variables; SSO, ini, process, web-identity and metadata providers never run there",
  });
  rows.push({
    name: "image-processor with the SDK left to the runtime (@aws-sdk/* external)",
    jsBytes: statSync(join(sdkExternal, "index.js")).size,
    ...(await measureInit(join(sdkExternal, "index.js"), options.initRuns)),
    note: "init loads the unbundled SDK from node_modules, as the Lambda runtime's own copy would be loaded",
  });
  rows.push({
    name: "sharp alone (require('sharp') from the processor folder)",
    jsBytes: 0,
    ...(await measureInit(join(host[0].dir, "node_modules", "sharp"), options.initRuns)),
    note: "the native libvips load inside the processor's init",
  });

  return { rows, processorPackages, skipped, options };
}
