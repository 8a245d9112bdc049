import { runSimulation } from "@cloud-copilot/iam-simulate";

import { ACCOUNT, SimulatedPrincipal } from "./stage-model";

/** IAM's answer to one request. */
export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/**
 * Asks the IAM simulator whether `principal` may do `action` on `resource`
 * over TLS, with its identity policies and, for S3, the bucket's policy.
 */
export async function decide(
  principal: SimulatedPrincipal,
  action: string,
  resource: string,
  resourcePolicy?: unknown,
): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: { "aws:SecureTransport": "true" },
      },
      identityPolicies: principal.policies.map((policy, index) => ({
        name: `policy-${index}`,
        policy,
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resourcePolicy as never,
    },
    {},
  );
  if (result.resultType === "error") {
    throw new Error(
      `the simulator refused ${action} on ${resource}: ${JSON.stringify(result.errors)}`,
    );
  }

  return result.overallResult as Decision;
}
