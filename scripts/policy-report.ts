/**
 * Prints the policy rules table for a synthesized stack:
 *
 *   npx tsx scripts/policy-report.ts [cdk.tf.json]
 *
 * (default: the dev stage as `npm run synth` writes it). Lists the waivers
 * used and exits 1 when a rule fails without a waiver or a waiver covers
 * nothing, as the policy test suite does.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

import { ALL_RULES } from "../__tests__/policy/rules/all-rules";
import { evaluateRules } from "../__tests__/policy/support/policy-rule";
import { StackIndex } from "../__tests__/policy/support/stack-index";
import { checkWaivers, formatRuleTable } from "../__tests__/policy/support/waiver-check";
import { WAIVERS } from "../__tests__/policy/waivers";
import type { TerraformJson } from "../__tests__/stacks/synth-helper";
import { runCli, UsageError } from "./lib/cli-args";

const DEFAULT = "cdktf.out/stacks/activity4-image-pipeline-dev/cdk.tf.json";

async function main(): Promise<void> {
  const path = resolve(process.argv[2] ?? DEFAULT);
  if (!existsSync(path)) {
    throw new UsageError(
      `no synthesized stack at ${path}; run \`npm run synth\` (STAGE=dev) first`,
    );
  }
  const stack = new StackIndex(JSON.parse(readFileSync(path, "utf8")) as TerraformJson);
  const findings = await evaluateRules(ALL_RULES, stack);
  const check = checkWaivers(ALL_RULES, findings, WAIVERS);

  console.log(formatRuleTable(`Policy rules on ${path}`, check.rows));
  console.log("\nWaivers:");
  for (const waiver of WAIVERS) {
    console.log(
      `  ${waiver.status.padEnd(8)} ${waiver.rule} on ${waiver.resource}: ${waiver.reason}`,
    );
  }
  for (const finding of check.unwaived) {
    console.log(`FAIL ${finding.rule} on ${finding.resource}: ${finding.detail}`);
  }
  for (const waiver of check.unused) {
    console.log(`UNUSED WAIVER ${waiver.rule} on ${waiver.resource}: remove it, the rule passes`);
  }
  process.exitCode = check.unwaived.length + check.unused.length === 0 ? 0 : 1;
}

runCli(main, [UsageError]);
