/**
 * `npm run build [-- --arch arm64|x86_64]`: bundles both handlers into
 * `dist/<arch>/<function>/` with sharp's Linux binaries for that architecture.
 * The default architecture is the stack's (LAMBDA_ARCH, or this host's for
 * STAGE=local, else arm64; see stacks/config.ts).
 */
import { join, relative } from "node:path";
import { loadConfig, parseArchitecture } from "../stacks/config";
import { StackError } from "../stacks/errors";
import { parseFlags, runCli, UsageError } from "./lib/cli-args";
import { buildHandlers } from "./lib/handler-build";
import { SharpPackagesError } from "./lib/sharp-packages";

const ROOT = join(__dirname, "..");

runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), { arch: "value" });
  const arch =
    flags.arch === undefined
      ? loadConfig(process.env).architecture
      : parseArchitecture("--arch", flags.arch);

  const built = await buildHandlers({ projectRoot: ROOT, arch });
  for (const fn of built) {
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    process.stdout.write(
      `${relative(process.cwd(), fn.dir)}: index.js ${kib(fn.jsBytes)}, folder ${kib(
        fn.totalBytes
      )}, ` + `tree ${fn.treeHash.slice(0, 16)}\n`
    );
  }
}, [StackError, UsageError, SharpPackagesError]);
