/**
 * `npm run data-json [-- --stage <stage>] [-- --from <outputs.json>] [-- --out <file>]`:
 * writes data.json (default at the repository root) from the outputs of a
 * deployed stack: `terraform output -json` run in `cdktf.out/stacks/<stack>`,
 * or, with --from, a file holding that JSON or a cdktf outputs file
 * (`cdktf deploy --outputs-file <f> --outputs-file-include-sensitive-outputs`).
 *
 * The file gets mode 0600 because it then holds the instructor's secret key;
 * the secret is never printed. data.json is committed with placeholders, so
 * when the file written is tracked by git it is marked skip-worktree: `git
 * commit -a` and `git add` then leave the secret out (undo with
 * `git update-index --no-skip-worktree data.json`). Without git nothing changes.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { loadConfig } from "../stacks/config";
import { StackError } from "../stacks/errors";
import { SECRET_OUTPUTS } from "../stacks/output-names";
import { parseFlags, runCli, UsageError } from "./lib/cli-args";
import { type CommitGuard, keepOutOfCommits } from "./lib/commit-guard";
import { DataJsonError, dataJsonFromOutputs, renderDataJson } from "./lib/data-json";

const ROOT = join(__dirname, "..");

const USAGE = `Usage: npm run data-json -- [--stage STAGE] [--from OUTPUTS.json] [--out FILE]

Writes data.json (default: at the repository root, mode 0600) from the outputs of a
deployed stack: \`terraform output -json\` in cdktf.out/stacks/<stack>, or --from a
file holding that JSON or a cdktf outputs file. The secret key is never printed.
`;

runCli(() => {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);

    return;
  }
  const flags = parseFlags(argv, { stage: "value", from: "value", out: "value" });
  if (flags.stage !== undefined) process.env.STAGE = flags.stage;
  const { stackName } = loadConfig(process.env);
  const out = resolve(flags.out ?? join(ROOT, "data.json"));
  checkWritableFile(out);

  const raw = flags.from === undefined ? terraformOutput(stackName) : readOutputsFile(flags.from);
  let document: unknown;
  try {
    document = JSON.parse(raw);
  } catch {
    throw new DataJsonError(`${flags.from ?? "terraform output -json"} did not give valid JSON`);
  }
  const { data, source } = dataJsonFromOutputs(document, stackName);

  // Written beside the target and renamed over it, so the file is never half
  // written; the staging copy holds the secret too, so it never outlives a failure.
  const staging = join(dirname(out), `.data-json-${process.pid}.tmp`);
  try {
    writeFileSync(staging, renderDataJson(data), { mode: 0o600 });
    chmodSync(staging, 0o600);
    renameSync(staging, out);
  } finally {
    rmSync(staging, { force: true });
  }

  for (const [name, value] of Object.entries(data)) {
    const shown = SECRET_OUTPUTS.includes(name as never)
      ? value === ""
        ? "(empty)"
        : "(hidden)"
      : value;
    process.stdout.write(`${name}: ${shown}\n`);
  }
  const shownPath = relative(process.cwd(), out).startsWith("..")
    ? out
    : relative(process.cwd(), out);
  process.stdout.write(`wrote ${shownPath} from ${source} outputs of ${stackName}\n`);
  if (data.instructor_secret_access_key === "") {
    process.stderr.write("note: the instructor user is off, so the instructor fields are empty\n");
  } else {
    process.stderr.write(
      `warning: ${out} now holds the instructor's secret access key (mode 0600); ` +
        "share it only with the instructor and do not commit it\n"
    );
  }
  reportCommitGuard(shownPath, keepOutOfCommits(out));
}, [StackError, UsageError, DataJsonError]);

function reportCommitGuard(shownPath: string, guard: CommitGuard): void {
  if (guard.kind === "skip-worktree") {
    process.stderr.write(
      `note: ${shownPath} is tracked by git, so it is now marked skip-worktree: git status no ` +
        "longer lists it, git commit -a leaves it out and git add refuses it; to commit it " +
        `again, run: ${guard.undo}\n`
    );
  } else if (guard.kind === "untracked") {
    process.stderr.write(
      `note: ${shownPath} is inside a git work tree but not tracked; keep it out of git ` +
        "(list it in .gitignore)\n"
    );
  } else if (guard.kind === "failed") {
    process.stderr.write(
      `warning: could not mark ${shownPath} skip-worktree (${guard.reason}); ` +
        "take care that no commit picks it up\n"
    );
  }
}

/** Refuses an output path that is a folder, a link or a device, or lies in a folder that does not exist. */
function checkWritableFile(out: string): void {
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UsageError(`--out ${out} is a folder; name the file to write, e.g. ${join(out, "data.json")}`);
  }
  // The file is replaced by a rename, which would replace a link or device
  // rather than write through it.
  if (existsSync(out) && !lstatSync(out).isFile()) {
    throw new UsageError(`--out ${out} is not a regular file (a link or device); name a plain file`);
  }
  if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) {
    throw new UsageError(`--out ${out}: the folder ${dirname(out)} does not exist`);
  }
}

function readOutputsFile(file: string): string {
  if (!existsSync(file)) throw new UsageError(`--from ${file}: no such file`);
  if (statSync(file).isDirectory()) throw new UsageError(`--from ${file} is a folder, not an outputs file`);

  return readFileSync(file, "utf8");
}

function terraformOutput(stackName: string): string {
  const stackDir = join(ROOT, "cdktf.out", "stacks", stackName);
  if (!existsSync(stackDir)) {
    throw new DataJsonError(
      `${stackDir} does not exist; synthesize and deploy the stack first, or pass --from <outputs.json>`
    );
  }
  const result = spawnSync("terraform", ["output", "-json"], {
    cwd: stackDir,
    encoding: "utf8",
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      TF_CLI_CONFIG_FILE: join(ROOT, "terraform.rc"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error !== undefined || result.status !== 0) {
    const reason = result.error?.message ?? result.stderr.trim();
    throw new DataJsonError(`terraform output -json failed in ${stackDir}: ${reason}`);
  }

  return result.stdout;
}
