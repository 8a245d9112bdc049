/** `npm start -- --fault-plan FILE`: the sample run with faults the SDK's retries absorb. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunSummary } from "../../local/summary";
import { runLocalMain } from "../support/run-local-main";

describe("npm start --fault-plan", () => {
  const dir = mkdtempSync(join(tmpdir(), "fault-flag-"));

  it("runs the samples through faults and ends every job as expected", async () => {
    // Arrange
    const plan = join(dir, "plan.json");
    writeFileSync(
      plan,
      JSON.stringify({
        seed: 7,
        rules: [
          {
            kind: "throttle",
            service: "s3",
            operations: ["GetObject", "PutObject"],
            rate: 0.5,
            maxPerCall: 2,
          },
          { kind: "drop", service: "sns", operations: ["Publish"], rate: 0.5, maxPerCall: 2 },
        ],
      }),
    );
    const out = join(dir, "out");

    // Act
    const run = await runLocalMain(["--out", out, "--fault-plan", plan]);

    // Assert
    const summaryPath = join(out, "results", "summary.json");
    expect(existsSync(summaryPath)).toBe(true);
    const summary = JSON.parse(readFileSync(summaryPath, "utf8")) as RunSummary;
    expect({ code: run.code, problems: summary.problems }).toEqual({ code: 0, problems: [] });
    expect(run.stdout).toMatch(/^Faults injected: +(throttle|drop) (s3|sns):\w+ \d+/m);
  }, 180_000);

  it("refuses a plan with an unknown fault kind, naming the rule and the field", async () => {
    // Arrange
    const plan = join(dir, "bad-plan.json");
    writeFileSync(plan, JSON.stringify({ seed: 1, rules: [{ kind: "explode", service: "s3" }] }));

    // Act
    const run = await runLocalMain([
      "--out",
      join(dir, "bad"),
      "--stack-json",
      join(dir, "none.json"),
      "--fault-plan",
      plan,
    ]);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: --fault-plan .*bad-plan\.json: fault plan rule 0: "kind" must be one of/m,
    );
  }, 60_000);
});
