/**
 * The policy rules on the synthesized stack, for the deployed stage (dev)
 * and the one local mode runs: every failure needs a waiver from waivers.ts,
 * and every waiver must still cover a failure.
 */
import { synthPipeline } from "../stacks/synth-helper";
import { ALL_RULES } from "./rules/all-rules";
import { evaluateRules, Finding } from "./support/policy-rule";
import { StackIndex } from "./support/stack-index";
import { checkWaivers, formatRuleTable, WaiverCheck } from "./support/waiver-check";
import { WAIVERS } from "./waivers";

describe.each(["dev", "local"])("policy rules on the %s stage", (stage) => {
  let findings: Finding[];
  let check: WaiverCheck;

  beforeAll(async () => {
    const stack = new StackIndex(synthPipeline({ STAGE: stage }));
    findings = await evaluateRules(ALL_RULES, stack);
    check = checkWaivers(ALL_RULES, findings, WAIVERS);
    const open = WAIVERS.filter((waiver) => waiver.status === "open");
    console.log(
      `${formatRuleTable(`Policy rules, stage ${stage}`, check.rows)}\n` +
        `open findings (waived until fixed): ${
          open.map((w) => `${w.rule} on ${w.resource}`).join("; ") || "none"
        }`,
    );
  });

  it("checks every rule on at least one resource", () => {
    // Act
    const idle = check.rows.filter((row) => row.passed + row.waived + row.failed === 0);

    // Assert
    expect(idle.map((row) => row.id)).toEqual([]);
  });

  it("fails no rule without a waiver", () => {
    // Assert
    expect(check.unwaived).toEqual([]);
  });

  it("uses every waiver, and only on the rule and resource it names", () => {
    // Assert
    expect(check.unknownRules).toEqual([]);
    expect(check.unused).toEqual([]);
  });

  it("waives the thumbnails bucket's public policy and principal *, not its ACL rules", () => {
    // Act
    const waivedOnThumbnails = WAIVERS.filter((w) => w.resource === "thumbnails/bucket").map(
      (w) => w.rule,
    );
    const readOnly = findings.find(
      (f) => f.rule === "S3_PUBLIC_READ_ONLY" && f.resource === "thumbnails/bucket",
    );

    // Assert
    expect(waivedOnThumbnails).toEqual(
      expect.arrayContaining(["S3_BLOCK_PUBLIC_POLICY", "S3_NO_PUBLIC_PRINCIPAL"]),
    );
    expect(waivedOnThumbnails).not.toContain("S3_BLOCK_PUBLIC_ACLS");
    expect(waivedOnThumbnails).not.toContain("S3_PUBLIC_READ_ONLY");
    expect(readOnly?.passed).toBe(true);
  });
});

describe("waiver check", () => {
  const rules = ALL_RULES.filter(
    (rule) => rule.id === "S3_VERSIONING" || rule.id === "S3_ENCRYPTION",
  );
  const findings: Finding[] = [
    { rule: "S3_VERSIONING", resource: "a/bucket", passed: false, detail: "off" },
    { rule: "S3_VERSIONING", resource: "b/bucket", passed: false, detail: "off" },
    { rule: "S3_ENCRYPTION", resource: "a/bucket", passed: true },
  ];
  const waiver = (rule: string, resource: string) =>
    ({
      rule,
      resource,
      status: "accepted",
      reason: "a reason long enough to read as one",
    } as const);

  it("reports a failure that no waiver names", () => {
    // Act
    const result = checkWaivers(rules, findings, [waiver("S3_VERSIONING", "a/bucket")]);

    // Assert
    expect(result.unwaived.map((f) => f.resource)).toEqual(["b/bucket"]);
    expect(result.rows.find((row) => row.id === "S3_VERSIONING")).toMatchObject({
      waived: 1,
      failed: 1,
    });
  });

  it("reports a waiver whose rule passes, or names another resource or rule", () => {
    // Act
    const result = checkWaivers(rules, findings, [
      waiver("S3_ENCRYPTION", "a/bucket"),
      waiver("S3_VERSIONING", "c/bucket"),
      waiver("NO_SUCH_RULE", "a/bucket"),
    ]);

    // Assert
    expect(result.unused.map((w) => `${w.rule} ${w.resource}`)).toEqual([
      "S3_ENCRYPTION a/bucket",
      "S3_VERSIONING c/bucket",
      "NO_SUCH_RULE a/bucket",
    ]);
    expect(result.unknownRules.map((w) => w.rule)).toEqual(["NO_SUCH_RULE"]);
  });
});

describe("waivers", () => {
  it("give each a reason and a status, one waiver per rule and resource", () => {
    // Act
    const keys = WAIVERS.map((w) => `${w.rule} ${w.resource}`);

    // Assert
    expect(new Set(keys).size).toBe(keys.length);
    for (const waiver of WAIVERS) {
      expect(waiver.reason.length).toBeGreaterThan(40);
      expect(["accepted", "open"]).toContain(waiver.status);
    }
  });
});

describe("rules", () => {
  it("have unique ids, a description and at least one Checkov, tfsec or named reference", () => {
    // Act
    const ids = ALL_RULES.map((rule) => rule.id);

    // Assert
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^[A-Z0-9_]+$/);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.references.length).toBeGreaterThan(0);
    }
  });
});
