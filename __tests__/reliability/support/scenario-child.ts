import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { Scenario, ScenarioReport } from "../../../local/faults/scenario";
import type { RunVerdict } from "../../../local/faults/verdict";

/** The repository root. */
export const ROOT = resolve(__dirname, "..", "..", "..");

/** What a scenario run in a child process left: its report with the verdict, and its folder. */
export interface ScenarioRun {
  readonly report: ScenarioReport & { readonly verdict: RunVerdict };
  readonly workDir: string;
  /** A function's log lines, parsed. */
  logLines(functionSuffix: string): Record<string, unknown>[];
}

/**
 * Runs a scenario through local/faults/run-scenario.ts in a child process (the
 * SNS/SQS emulator is an ES module Jest cannot load) and reads its report.
 */
export async function runScenarioInChild(
  name: string,
  scenario: Omit<Scenario, "workDir">,
): Promise<ScenarioRun> {
  const workDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const scenarioPath = join(workDir, "scenario.json");
  const reportPath = join(workDir, "report.json");
  writeFileSync(scenarioPath, JSON.stringify({ ...scenario, workDir: join(workDir, "work") }));

  const output = await new Promise<{ code: number | null; text: string }>((done, fail) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "local/faults/run-scenario.ts", scenarioPath, reportPath],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true", CHECKPOINT_DISABLE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.stderr.on("data", (chunk) => (text += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, text }));
  });
  if (output.code !== 0 || !existsSync(reportPath)) {
    throw new Error(`scenario ${name} failed (exit ${output.code}):\n${output.text}`);
  }
  const logDir = join(workDir, "work", "run", "logs");
  const report = JSON.parse(readFileSync(reportPath, "utf8")) as ScenarioRun["report"];

  return {
    report,
    workDir,
    logLines: (functionSuffix) => {
      const file = `${report.outputs.stackName}-${functionSuffix}.log`;

      return readFileSync(join(logDir, file), "utf8")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}
