import type { StackIndex, StackResource } from "./stack-index";

/** One check over the synthesized stack, in the manner of a Checkov or tfsec rule. */
export interface PolicyRule {
  /** Stable id, e.g. `S3_BLOCK_PUBLIC_POLICY`; waivers name it. */
  readonly id: string;
  /** What must hold, in a few words. */
  readonly title: string;
  /** Why it matters for this stack. */
  readonly description: string;
  /** The Checkov and tfsec checks (or other public controls) it corresponds to. */
  readonly references: readonly string[];
  /** The resource types it is checked on (`output` for stack outputs). */
  readonly resourceTypes: readonly string[];
  /** Why the resource fails the rule, or undefined when it passes. */
  check(
    resource: StackResource,
    stack: StackIndex,
  ): string | undefined | Promise<string | undefined>;
}

/** The outcome of one rule on one resource. */
export interface Finding {
  readonly rule: string;
  /** The resource's construct path, e.g. `thumbnails/bucket`. */
  readonly resource: string;
  readonly passed: boolean;
  readonly detail?: string;
}

/** Runs every rule on every resource of its types. */
export async function evaluateRules(
  rules: readonly PolicyRule[],
  stack: StackIndex,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const resource of stack.resources.filter((r) => rule.resourceTypes.includes(r.type))) {
      const detail = await rule.check(resource, stack);
      findings.push({
        rule: rule.id,
        resource: resource.path,
        passed: detail === undefined,
        detail,
      });
    }
  }

  return findings;
}
