import type { Finding, PolicyRule } from "./policy-rule";

/** A rule this stack does not meet on purpose, on one resource, and why. */
export interface Waiver {
  readonly rule: string;
  /** Construct path of the resource, e.g. `thumbnails/bucket`. */
  readonly resource: string;
  /**
   * `accepted`: the stack is right to fail it. `open`: a real shortcoming,
   * reported to the stack's owner, waived only until it is fixed.
   */
  readonly status: "accepted" | "open";
  readonly reason: string;
}

/** One line of the rules table. */
export interface RuleRow {
  readonly id: string;
  readonly title: string;
  readonly passed: number;
  readonly waived: number;
  readonly failed: number;
}

/** What the waivers did to a set of findings. */
export interface WaiverCheck {
  readonly rows: RuleRow[];
  /** Failures no waiver covers: each fails the suite. */
  readonly unwaived: Finding[];
  /** Waivers that cover no failure (the rule now passes, or the resource is gone). */
  readonly unused: Waiver[];
  /** Waivers naming a rule that does not exist. */
  readonly unknownRules: Waiver[];
}

const matches = (waiver: Waiver, finding: Finding) =>
  waiver.rule === finding.rule && waiver.resource === finding.resource;

/** Applies the waivers to the findings and counts, rule by rule. */
export function checkWaivers(
  rules: readonly PolicyRule[],
  findings: readonly Finding[],
  waivers: readonly Waiver[],
): WaiverCheck {
  const failures = findings.filter((finding) => !finding.passed);
  const rows = rules.map((rule): RuleRow => {
    const own = findings.filter((finding) => finding.rule === rule.id);
    const waived = own.filter((f) => !f.passed && waivers.some((w) => matches(w, f))).length;

    return {
      id: rule.id,
      title: rule.title,
      passed: own.filter((finding) => finding.passed).length,
      waived,
      failed: own.filter((finding) => !finding.passed).length - waived,
    };
  });

  return {
    rows,
    unwaived: failures.filter((finding) => !waivers.some((waiver) => matches(waiver, finding))),
    unused: waivers.filter((waiver) => !failures.some((finding) => matches(waiver, finding))),
    unknownRules: waivers.filter((waiver) => !rules.some((rule) => rule.id === waiver.rule)),
  };
}

/** The rules table as aligned text, with totals. */
export function formatRuleTable(title: string, rows: readonly RuleRow[]): string {
  const header = ["rule", "passed", "waived", "failed"];
  const body = rows.map((row) => [
    row.id,
    String(row.passed),
    String(row.waived),
    String(row.failed),
  ]);
  const total = (pick: (row: RuleRow) => number) =>
    String(rows.reduce((sum, row) => sum + pick(row), 0));
  const totals = ["total", total((r) => r.passed), total((r) => r.waived), total((r) => r.failed)];
  const widths = header.map((_, i) =>
    Math.max(...[header, ...body, totals].map((cells) => cells[i].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ");

  return [title, line(header), ...body.map(line), line(totals)].join("\n");
}
