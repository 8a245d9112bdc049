import { Construct } from "constructs";
import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { FunctionSizing, LambdaArchitecture } from "../config";
import type { PolicyStatement } from "../iam-policy";
import { FunctionRole } from "./function-role";

/**
 * Times Lambda retries a failed asynchronous invocation before it sends the
 * event to the function's failure queue. The image processor's MAX_ATTEMPTS
 * is this plus one, so its last attempt is Lambda's last try.
 */
export const ASYNC_MAXIMUM_RETRY_ATTEMPTS = 2;

/** Properties of a {@link PipelineFunction}. */
export interface PipelineFunctionProps {
  /** Function name; also names its role, log group and failure queue. */
  readonly functionName: string;
  /** Directory of the bundled handler, as a Terraform path (`${path.module}/...`). */
  readonly codeDir: string;
  /** Where Terraform writes the zip, as a Terraform path. */
  readonly zipPath: string;
  /** Instruction set; must match the binaries in codeDir. */
  readonly architecture: LambdaArchitecture;
  /** Memory, timeout and reserved concurrency. */
  readonly sizing: FunctionSizing;
  /** Environment variables of the function. */
  readonly environment: Record<string, string>;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
  /** The function's own permissions; logs, failure queue and X-Ray are added here. */
  readonly statements: readonly PolicyStatement[];
}

/**
 * A Node.js 22 Lambda function with everything it owns: its role and inline
 * least-privilege policy, its log group with a retention period, its code zip
 * (archive_file over the build output), X-Ray tracing, and an SQS queue that
 * receives asynchronous invocations that failed after two retries.
 */
export class PipelineFunction extends Construct {
  /** Function name. */
  readonly functionName: string;
  /** Function ARN. */
  readonly functionArn: string;
  /** Execution role name. */
  readonly roleName: string;
  /** Log group name, `/aws/lambda/<function name>`. */
  readonly logGroupName: string;
  /** Log group ARN. */
  readonly logGroupArn: string;
  /** ARN of the queue that receives failed asynchronous invocations. */
  readonly failureQueueArn: string;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });
    const failureQueue = new SqsQueue(this, "failure-queue", {
      name: `${props.functionName}-failures`,
      messageRetentionSeconds: 1_209_600,
      sqsManagedSseEnabled: true,
    });
    const role = new FunctionRole(this, "execution", {
      roleName: `${props.functionName}-role`,
      logGroupArn: logGroup.arn,
      failureQueueArn: failureQueue.arn,
      statements: props.statements,
    });
    const code = new DataArchiveFile(this, "code", {
      type: "zip",
      sourceDir: props.codeDir,
      outputPath: props.zipPath,
      outputFileMode: "0644",
    });
    const fn = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      role: role.roleArn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      architectures: [props.architecture],
      memorySize: props.sizing.memoryMb,
      timeout: props.sizing.timeoutSeconds,
      reservedConcurrentExecutions: props.sizing.reservedConcurrency,
      filename: code.outputPath,
      sourceCodeHash: code.outputBase64Sha256,
      environment: { variables: props.environment },
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      // The log group must exist first, or Lambda creates it on the first
      // invocation without retention; the policy must be in place before the
      // first event arrives.
      dependsOn: [logGroup, role.policy],
    });
    new LambdaFunctionEventInvokeConfig(this, "async-config", {
      functionName: fn.functionName,
      maximumRetryAttempts: ASYNC_MAXIMUM_RETRY_ATTEMPTS,
      destinationConfig: { onFailure: { destination: failureQueue.arn } },
      // Lambda checks that the role may send to the destination when this is written.
      dependsOn: [role.policy],
    });

    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.roleName = role.roleName;
    this.logGroupName = logGroup.name;
    this.logGroupArn = logGroup.arn;
    this.failureQueueArn = failureQueue.arn;
  }
}
