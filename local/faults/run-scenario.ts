/**
 * Runs one fault scenario in its own process and writes its report:
 *
 *   tsx local/faults/run-scenario.ts SCENARIO.json REPORT.json
 *
 * Tests call it in a child process because the SNS/SQS emulator is an ES
 * module that Jest's CommonJS runtime cannot load. The report holds every
 * recorded call, every delivery, what the run left in the emulators, and the
 * verdict on each upload.
 */
import { readFileSync, writeFileSync } from "node:fs";

import { runScenario, Scenario } from "./scenario";
import { judgeRun } from "./verdict";

async function main(): Promise<void> {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const [scenarioPath, reportPath] = process.argv.slice(2);
  if (!scenarioPath || !reportPath) {
    console.error("usage: tsx local/faults/run-scenario.ts SCENARIO.json REPORT.json");
    process.exitCode = 2;
    return;
  }
  const scenario = JSON.parse(readFileSync(scenarioPath, "utf8")) as Scenario;
  const report = await runScenario(scenario);
  const verdict = judgeRun(report);
  writeFileSync(reportPath, `${JSON.stringify({ ...report, verdict })}\n`);
  console.log(JSON.stringify({ totals: verdict.totals, faults: report.faults.injected }));
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
});
