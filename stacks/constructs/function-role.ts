import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { ITerraformDependable } from "../cdktf";
import { policyDocument, type PolicyStatement } from "../iam-policy";

/** Properties of a {@link FunctionRole}. */
export interface FunctionRoleProps {
  /** IAM role name. */
  readonly roleName: string;
  /** ARN of the function's log group (its streams are `${logGroupArn}:*`). */
  readonly logGroupArn: string;
  /** ARN of the queue that receives the function's failed asynchronous invocations. */
  readonly failureQueueArn: string;
  /** The function's own permissions, placed between the common ones. */
  readonly statements: readonly PolicyStatement[];
}

/**
 * The execution role of one function, assumable by Lambda only, with one
 * inline policy: write its own log streams, the given statements, send to its
 * failure queue, and write X-Ray traces. Nothing is attached besides.
 */
export class FunctionRole extends Construct {
  /** Role ARN. */
  readonly roleArn: string;
  /** Role name. */
  readonly roleName: string;
  /** The inline policy, for resources that must wait until it is in force. */
  readonly policy: ITerraformDependable;

  constructor(scope: Construct, id: string, props: FunctionRoleProps) {
    super(scope, id);

    const role = new IamRole(this, "role", {
      name: props.roleName,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
    });
    this.policy = new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: role.id,
      policy: policyDocument([
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`${props.logGroupArn}:*`],
        },
        ...props.statements,
        {
          Sid: "SendFailedInvocations",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: [props.failureQueueArn],
        },
        {
          // X-Ray accepts no resource-level scoping: these two actions only work on "*".
          Sid: "WriteTraces",
          Effect: "Allow",
          Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          Resource: ["*"],
        },
      ]),
    });
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
