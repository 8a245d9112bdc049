/**
 * The access-log bucket's policy, simulated as S3's logging service would
 * meet it: each source bucket of this account may deliver under its own
 * prefix, over TLS, and nobody else may write there.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";

import { ACCOUNT, StageModel } from "./support/stage-model";

const LOGGING_SERVICE = "logging.s3.amazonaws.com";

interface Delivery {
  readonly principal?: string;
  readonly key: string;
  readonly sourceArn: string;
  readonly sourceAccount?: string;
  readonly secureTransport?: boolean;
}

describe("server access log delivery on the dev stage", () => {
  const stage = new StageModel("dev");
  const logBucket = stage.arn("access-logs/bucket");
  const policy = stage.bucketPolicy(logBucket);
  const source = (name: string) => stage.arn(`${name}/bucket`);

  async function decide(delivery: Delivery): Promise<string> {
    const result = await runSimulation(
      {
        request: {
          principal: delivery.principal ?? LOGGING_SERVICE,
          action: "s3:PutObject",
          resource: { resource: `${logBucket}/${delivery.key}`, accountId: ACCOUNT },
          contextVariables: {
            "aws:SecureTransport": String(delivery.secureTransport ?? true),
            "aws:SourceArn": delivery.sourceArn,
            "aws:SourceAccount": delivery.sourceAccount ?? ACCOUNT,
          },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: policy as never,
      },
      {},
    );
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));

    return result.overallResult;
  }

  it.each(["uploads", "thumbnails", "analytics"])(
    "lets the logging service deliver the %s bucket's logs under its prefix",
    async (name) => {
      // Act
      const decision = await decide({
        key: `${name}/${ACCOUNT}/ap-south-1/x/2025/01/31/2025-01-31-10-00-00-ABC`,
        sourceArn: source(name),
      });

      // Assert
      expect(decision).toBe("Allowed");
    },
  );

  it.each<[string, Delivery, string]>([
    ["under another source's prefix", { key: "thumbnails/x", sourceArn: "uploads" }, "Implicitly"],
    ["outside every prefix", { key: "x", sourceArn: "uploads" }, "Implicitly"],
    [
      "for a bucket of another account",
      { key: "uploads/x", sourceArn: "uploads", sourceAccount: "444455556666" },
      "Implicitly",
    ],
    [
      "for a bucket outside the stack",
      { key: "uploads/x", sourceArn: "arn:aws:s3:::someone-else" },
      "Implicitly",
    ],
    [
      "without TLS",
      { key: "uploads/x", sourceArn: "uploads", secureTransport: false },
      "Explicitly",
    ],
    [
      "by another service",
      { key: "uploads/x", sourceArn: "uploads", principal: "delivery.logs.amazonaws.com" },
      "Implicitly",
    ],
  ])("refuses a delivery %s", async (_, delivery, denial) => {
    // Arrange
    const sourceArn = delivery.sourceArn.startsWith("arn:")
      ? delivery.sourceArn
      : source(delivery.sourceArn);

    // Act
    const decision = await decide({ ...delivery, sourceArn });

    // Assert
    expect(decision).toBe(`${denial}Denied`);
  });
});
