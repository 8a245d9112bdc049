import { existsSync, readFileSync } from "node:fs";

import { InputError } from "../inputs";
import type { LocalPipelineOptions } from "../pipeline";
import { CallProxy, startCallProxy } from "./call-proxy";
import { FaultPlan, FaultPlanError, FaultPlanSpec } from "./fault-plan";
import { LOCAL_ACCOUNT_ID } from "./scenario";

/** What `npm start -- --fault-plan FILE` adds to a local run. */
export interface FaultOption {
  /** Puts a call proxy with the plan between each function and the emulators. */
  readonly functionEndpoints: NonNullable<LocalPipelineOptions["functionEndpoints"]>;
  /** One line: the faults injected so far, by kind and call. */
  summary(): string;
  stop(): Promise<void>;
}

/**
 * Reads a fault plan (`{"seed": 1, "rules": [...]}`, see fault-plan.ts) for
 * `npm start`. Local mode retries a failed event after 100 ms times n, or,
 * after a timeout or a job held by another try, after the function's timeout
 * plus 10 s (see retry-delay.ts), where Lambda waits about a minute.
 */
export function readFaultOption(planFile: string): FaultOption {
  if (!existsSync(planFile)) throw new InputError(`--fault-plan ${planFile}: no such file`);
  let plan: FaultPlan;
  try {
    plan = new FaultPlan(JSON.parse(readFileSync(planFile, "utf8")) as FaultPlanSpec);
  } catch (error) {
    const why =
      error instanceof FaultPlanError || error instanceof SyntaxError
        ? error.message
        : String(error);
    throw new InputError(`--fault-plan ${planFile}: ${why}`);
  }
  const proxies: CallProxy[] = [];

  return {
    functionEndpoints: async (functionName, emulators) => {
      const proxy = await startCallProxy({
        functionName,
        targets: emulators,
        arnContext: { region: "us-east-1", accountId: LOCAL_ACCOUNT_ID },
        plan,
        onCall: () => undefined,
      });
      proxies.push(proxy);

      return { s3: proxy.url, dynamodb: proxy.url, sns: proxy.url, sqs: proxy.url };
    },
    summary: () => {
      const byCall = Object.entries(plan.injectedByOperation).map(([label, n]) => `${label} ${n}`);

      return `Faults injected:     ${byCall.length > 0 ? byCall.join(", ") : "none"}`;
    },
    stop: async () => {
      await Promise.all(proxies.map((proxy) => proxy.stop()));
    },
  };
}
