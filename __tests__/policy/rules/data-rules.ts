import { isPublicPrincipal, statementsOf } from "../support/iam-statements";
import type { PolicyRule } from "../support/policy-rule";
import { single, StackIndex, StackResource } from "../support/stack-index";

function publicStatements(policies: readonly StackResource[]): string[] {
  return policies
    .flatMap((policy) => statementsOf(policy.config.policy))
    .filter(
      (s) => s.Effect === "Allow" && isPublicPrincipal(s.Principal) && s.Condition === undefined,
    )
    .map((s) => s.Sid ?? "?");
}

function noPublicPolicy(
  id: string,
  type: string,
  policyType: string,
  field: string,
  references: string[],
): PolicyRule {
  return {
    id,
    title: "no policy open to everyone",
    description:
      "No resource policy allows everyone without a condition; without a policy only the account has access.",
    references,
    resourceTypes: [type],
    check: (resource: StackResource, stack: StackIndex) => {
      const open = publicStatements(stack.referencing(policyType, field, resource));

      return open.length === 0 ? undefined : `statement(s) ${open.join(", ")} allow everyone`;
    },
  };
}

const SECRET_ATTRIBUTE = /\.(secret|password|ses_smtp_password_v4|encrypted_secret|private_key)\}/;

/** Rules for the topic, the queues, the table, the log groups and the outputs. */
export const DATA_RULES: readonly PolicyRule[] = [
  {
    id: "SNS_ENCRYPTED",
    title: "topic encrypted with KMS",
    description: "Messages are encrypted at rest while SNS holds them.",
    references: ["CKV_AWS_26", "tfsec aws-sns-enable-topic-encryption"],
    resourceTypes: ["aws_sns_topic"],
    check: (topic) => (topic.config.kms_master_key_id ? undefined : "kms_master_key_id is not set"),
  },
  noPublicPolicy("SNS_NO_PUBLIC_POLICY", "aws_sns_topic", "aws_sns_topic_policy", "arn", [
    "Checkov: SNS topic policy is not public",
  ]),
  {
    id: "SQS_ENCRYPTED",
    title: "queue encrypted at rest",
    description: "Failed events on the on-failure queues hold the original event, bucket and key.",
    references: ["CKV_AWS_27", "tfsec aws-sqs-enable-queue-encryption"],
    resourceTypes: ["aws_sqs_queue"],
    check: (queue) =>
      queue.config.sqs_managed_sse_enabled === true || queue.config.kms_master_key_id
        ? undefined
        : "neither SQS-managed nor KMS encryption",
  },
  noPublicPolicy("SQS_NO_PUBLIC_POLICY", "aws_sqs_queue", "aws_sqs_queue_policy", "queue_url", [
    "Checkov: SQS queue policy is not public",
  ]),
  {
    id: "DYNAMODB_PITR",
    title: "point-in-time recovery",
    description: "The job table can be restored to any second of the last 35 days.",
    references: ["CKV_AWS_28", "tfsec aws-dynamodb-enable-recovery"],
    resourceTypes: ["aws_dynamodb_table"],
    check: (table) =>
      single(table.config.point_in_time_recovery)?.enabled === true
        ? undefined
        : "point_in_time_recovery is off",
  },
  {
    id: "DYNAMODB_ENCRYPTION",
    title: "server-side encryption with KMS set explicitly",
    description:
      "The table is encrypted with a KMS key (the AWS-managed one unless kms_key_arn names another).",
    references: ["CKV_AWS_119 (which also asks for a customer-managed key)"],
    resourceTypes: ["aws_dynamodb_table"],
    check: (table) =>
      single(table.config.server_side_encryption)?.enabled === true
        ? undefined
        : "server_side_encryption is off",
  },
  {
    id: "LOGS_RETENTION",
    title: "log retention set",
    description: "Function logs expire instead of being kept (and billed) forever.",
    references: ["CKV_AWS_66"],
    resourceTypes: ["aws_cloudwatch_log_group"],
    check: (group) =>
      Number(group.config.retention_in_days) > 0 ? undefined : "retention_in_days is not set",
  },
  {
    id: "OUTPUT_SECRETS_SENSITIVE",
    title: "outputs holding secrets are sensitive",
    description: "Terraform then never prints them in plan, apply or `terraform output`.",
    references: ["Terraform: sensitive output values"],
    resourceTypes: ["output"],
    check: (output) =>
      SECRET_ATTRIBUTE.test(String(output.config.value)) && output.config.sensitive !== true
        ? "the value is a secret but the output is not sensitive"
        : undefined,
  },
];
