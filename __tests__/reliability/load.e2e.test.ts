/**
 * The load test, small: `npm run load-test -- --count 60` with light faults,
 * as a user runs it. The 1,000-image run is the same script with a larger count.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { LoadSummary } from "../../local/faults/load-summary";
import type { UploadVerdict } from "../../local/faults/verdict";
import { ROOT } from "./support/scenario-child";

interface LoadReport {
  readonly summary: LoadSummary;
  readonly uploads: UploadVerdict[];
}

function runLoadTest(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/load-test.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, output }));
  });
}

describe("npm run load-test", () => {
  const reportPath = join(mkdtempSync(join(tmpdir(), "load-report-")), "report.json");
  let run: { code: number | null; output: string };
  let report: LoadReport;

  beforeAll(async () => {
    run = await runLoadTest([
      "--count",
      "60",
      "--seed",
      "3",
      "--fault-rate",
      "0.1",
      "--report",
      reportPath,
    ]);
    report = JSON.parse(readFileSync(reportPath, "utf8")) as LoadReport;
  }, 240_000);

  it("runs 60 mixed uploads under light faults and exits 0", () => {
    // Assert
    expect({ code: run.code, output: run.code === 0 ? "" : run.output }).toEqual({
      code: 0,
      output: "",
    });
    expect(report.summary.uploads).toBe(60);
    expect(report.summary.good).toBeGreaterThan(0);
    expect(report.summary.bad).toBeGreaterThan(0);
    expect(report.summary.faultsInjected).toBeGreaterThan(0);
  });

  it("loses nothing and duplicates nothing", () => {
    // Assert
    expect(report.summary).toMatchObject({
      succeeded: report.summary.good,
      failedAsExpected: report.summary.bad,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
      passed: true,
    });
    expect(report.uploads.filter((u) => !u.asExpected)).toEqual([]);
  });

  it("prints the counts and the throughput", () => {
    // Assert
    expect(run.output).toMatch(/^lost\s+0$/m);
    expect(run.output).toMatch(/^duplicated\s+0$/m);
    expect(run.output).toMatch(/^throughput\s+\d+(\.\d)? images\/s$/m);
  });

  it("refuses a count it cannot run, naming the flag", async () => {
    // Act
    const refused = await runLoadTest(["--count", "0"]);

    // Assert
    expect(refused.code).toBe(2);
    expect(refused.output.trim()).toBe('error: --count needs a whole number from 1, got "0"');
  });
});
