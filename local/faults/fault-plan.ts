import { createHash } from "node:crypto";

import type { AwsCall, AwsService } from "./aws-call";

/**
 * What can go wrong with one request:
 * - `throttle`: the service's own throttling answer (S3 503 SlowDown, DynamoDB
 *   400 ThrottlingException or ProvisionedThroughputExceededException, SNS 400
 *   Throttling or 429 Throttled);
 * - `server-error`: a 500 InternalError;
 * - `timeout`: the connection is held and never answered, so the call hangs
 *   until the handler's SDK request timeout (SDK_REQUEST_TIMEOUT_MS) or the
 *   function's timeout, whichever comes first;
 * - `delay`: the answer comes `delayMs` late but comes;
 * - `drop`: the connection is destroyed before the request reaches the service.
 */
export type FaultKind = "throttle" | "server-error" | "timeout" | "delay" | "drop";

/** Every fault kind, in report order. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "throttle",
  "server-error",
  "timeout",
  "delay",
  "drop",
];

/** One line of a fault plan: which requests, how often, what happens to them. */
export interface FaultRule {
  readonly kind: FaultKind;
  readonly service: AwsService;
  /** API operations it applies to, e.g. `["GetObject"]`; all when omitted. */
  readonly operations?: readonly string[];
  /** Only requests whose resource ARN contains this text (a bucket, a key prefix). */
  readonly resourceIncludes?: string;
  /** Only requests of functions whose name contains this text. */
  readonly functionName?: string;
  /** Chance that a matching request gets the fault, 0 to 1 (default 1). */
  readonly rate?: number;
  /**
   * Faults, of any rule, that one call (same function, action, resource and
   * item) may have had before this rule stops applying to it. Three covers the
   * SDK's three attempts of one invocation; five leaves the third invocation
   * (Lambda's second retry) at most one fault, which the SDK retries away.
   */
  readonly maxPerCall?: number;
  /** For `delay`: how late the answer comes, in milliseconds (default 1000). */
  readonly delayMs?: number;
}

/** A seeded plan: the same seed and the same calls give the same faults. */
export interface FaultPlanSpec {
  readonly seed: number;
  readonly rules: readonly FaultRule[];
}

/** The decision for one request. */
export interface Fault {
  readonly kind: FaultKind;
  /** Index of the rule that decided it. */
  readonly rule: number;
  /** For throttling: which of the service's throttling errors to answer with. */
  readonly variant: number;
  readonly delayMs: number;
}

const SERVICES = new Set<AwsService>(["s3", "dynamodb", "sns", "sqs"]);

/** Thrown for a plan that cannot be run, naming the rule and the field to fix. */
export class FaultPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultPlanError";
  }
}

/** Checks a plan read from JSON; throws a FaultPlanError naming what to fix. */
export function validateFaultPlan(spec: FaultPlanSpec): FaultPlanSpec {
  if (!Number.isInteger(spec.seed)) {
    throw new FaultPlanError(
      `fault plan: "seed" must be an integer, got ${JSON.stringify(spec.seed)}`,
    );
  }
  if (!Array.isArray(spec.rules)) throw new FaultPlanError('fault plan: "rules" must be a list');
  spec.rules.forEach((rule, index) => {
    const where = `fault plan rule ${index}`;
    if (!FAULT_KINDS.includes(rule.kind)) {
      throw new FaultPlanError(
        `${where}: "kind" must be one of ${FAULT_KINDS.join(", ")}, got ${JSON.stringify(
          rule.kind,
        )}`,
      );
    }
    if (!SERVICES.has(rule.service)) {
      throw new FaultPlanError(
        `${where}: "service" must be one of s3, dynamodb, sns, sqs, got ${JSON.stringify(
          rule.service,
        )}`,
      );
    }
    const rate = rule.rate ?? 1;
    if (typeof rate !== "number" || rate < 0 || rate > 1) {
      throw new FaultPlanError(
        `${where}: "rate" must be a number from 0 to 1, got ${JSON.stringify(rule.rate)}`,
      );
    }
    if (
      rule.maxPerCall !== undefined &&
      !(Number.isInteger(rule.maxPerCall) && rule.maxPerCall >= 0)
    ) {
      throw new FaultPlanError(
        `${where}: "maxPerCall" must be a whole number, got ${JSON.stringify(rule.maxPerCall)}`,
      );
    }
  });

  return spec;
}

/** A number in [0, 1) that depends only on its inputs. */
function draw(seed: number, ...parts: (string | number)[]): number {
  const digest = createHash("sha256")
    .update(JSON.stringify([seed, ...parts]))
    .digest();

  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * Decides, request by request, which fault (if any) to inject. A decision
 * depends only on the seed, the rule and the call's identity and how many
 * times that call was seen before, not on the order in which concurrent
 * jobs happen to run. DynamoDB item keys derive from the event sequencer, so
 * across runs only S3 and SNS decisions repeat exactly.
 */
export class FaultPlan {
  private readonly seen = new Map<string, number>();
  private readonly faulted = new Map<string, number>();
  /** Faults injected so far, by kind. */
  readonly injected: Record<FaultKind, number> = {
    throttle: 0,
    "server-error": 0,
    timeout: 0,
    delay: 0,
    drop: 0,
  };
  /** Faults injected so far, by `kind service:Operation`. */
  readonly injectedByOperation: Record<string, number> = {};

  constructor(private readonly spec: FaultPlanSpec) {
    validateFaultPlan(spec);
  }

  /** The fault for this request of `functionName`, or undefined to let it through. */
  decide(functionName: string, call: AwsCall): Fault | undefined {
    const identity = [functionName, call.action, call.resource, call.item ?? ""].join("|");
    const occurrence = this.seen.get(identity) ?? 0;
    this.seen.set(identity, occurrence + 1);
    const faultsSoFar = this.faulted.get(identity) ?? 0;

    for (const [index, rule] of this.spec.rules.entries()) {
      if (!this.matches(rule, functionName, call)) continue;
      if (rule.maxPerCall !== undefined && faultsSoFar >= rule.maxPerCall) continue;
      const roll = draw(this.spec.seed, index, identity, occurrence);
      if (roll >= (rule.rate ?? 1)) continue;

      this.faulted.set(identity, faultsSoFar + 1);
      this.injected[rule.kind] += 1;
      const label = `${rule.kind} ${call.service}:${call.operation}`;
      this.injectedByOperation[label] = (this.injectedByOperation[label] ?? 0) + 1;

      return {
        kind: rule.kind,
        rule: index,
        variant: Math.floor(draw(this.spec.seed, "variant", identity, occurrence) * 2),
        delayMs: rule.delayMs ?? 1000,
      };
    }

    return undefined;
  }

  private matches(rule: FaultRule, functionName: string, call: AwsCall): boolean {
    return (
      rule.service === call.service &&
      (rule.operations === undefined || rule.operations.includes(call.operation)) &&
      (rule.resourceIncludes === undefined || call.resource.includes(rule.resourceIncludes)) &&
      (rule.functionName === undefined || functionName.includes(rule.functionName))
    );
  }
}
