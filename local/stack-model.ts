import { isAbsolute, resolve } from "node:path";

import {
  asBlockList,
  asRecord,
  LocalModeConfigError,
  referencedAddress,
  TerraformBlock,
  TerraformDocument,
} from "./terraform-json";

/** A bucket, table, topic or queue that local mode creates in an emulator. */
export interface NamedResource {
  readonly address: string;
  readonly name: string;
}

/** A DynamoDB table as declared. */
export interface TableModel extends NamedResource {
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly attributes: readonly { name: string; type: string }[];
}

/** A Lambda function as declared, with its code folder on disk. */
export interface FunctionModel extends NamedResource {
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** `x86_64` or `arm64`, as Lambda names instruction sets. */
  readonly architecture: string;
  /** Folder whose contents the archive provider zips: the code that would ship. */
  readonly codeDir: string;
  /** Environment variables as written, references not yet resolved. */
  readonly environment: Readonly<Record<string, string>>;
}

/** One `lambda_function` entry of an `aws_s3_bucket_notification`. */
export interface NotificationTarget {
  readonly id?: string;
  readonly bucketAddress: string;
  readonly functionAddress: string;
  readonly events: readonly string[];
  readonly filterPrefix?: string;
  readonly filterSuffix?: string;
}

/** An SNS topic's subscription of a function. */
export interface SubscriptionModel {
  readonly address: string;
  readonly topicAddress: string;
  readonly functionAddress: string;
}

/** How Lambda retries an asynchronous invocation of one function. */
export interface InvokeConfigModel {
  readonly functionAddress: string;
  readonly maximumRetryAttempts: number;
  readonly onFailureQueueAddress?: string;
}

/** A Lambda resource-policy statement: who may invoke a function, from where. */
export interface PermissionModel {
  readonly functionAddress: string;
  readonly principal: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
}

/** Everything in a synthesized stack that local mode builds or routes. */
export interface StackModel {
  readonly stackDir: string;
  readonly region: string;
  readonly buckets: readonly NamedResource[];
  readonly tables: readonly TableModel[];
  readonly topics: readonly NamedResource[];
  readonly queues: readonly NamedResource[];
  readonly functions: readonly FunctionModel[];
  readonly notifications: readonly NotificationTarget[];
  readonly subscriptions: readonly SubscriptionModel[];
  readonly invokeConfigs: readonly InvokeConfigModel[];
  readonly permissions: readonly PermissionModel[];
  readonly document: TerraformDocument;
}

/**
 * Resource types that exist only for the cloud (access control, encryption,
 * retention, users) and have no effect on what local mode runs. Anything not
 * here and not modelled above is an error, so a new resource is never
 * skipped in silence.
 */
export const TYPES_WITHOUT_LOCAL_EFFECT: ReadonlySet<string> = new Set([
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_logging",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_policy",
  "aws_iam_role_policy_attachment",
  "aws_iam_user",
  "aws_iam_user_policy",
  "aws_iam_group",
  "aws_iam_group_policy",
  "aws_iam_user_group_membership",
  "aws_iam_access_key",
  "aws_cloudwatch_log_group",
  "aws_sns_topic_policy",
  "aws_sqs_queue_policy",
  "aws_kms_key",
  "aws_kms_alias",
  "data.aws_caller_identity",
  "data.aws_region",
  "data.aws_partition",
  "data.aws_iam_policy_document",
]);

const MODELLED_TYPES = new Set([
  "aws_s3_bucket",
  "aws_dynamodb_table",
  "aws_sns_topic",
  "aws_sqs_queue",
  "aws_lambda_function",
  "aws_s3_bucket_notification",
  "aws_sns_topic_subscription",
  "aws_lambda_function_event_invoke_config",
  "aws_lambda_permission",
  "data.archive_file",
]);

/** Builds the local model of a synthesized stack, rejecting what it cannot run. */
export function buildStackModel(document: TerraformDocument, stackDir: string): StackModel {
  const unknown = document.blocks.filter(
    (block) => !MODELLED_TYPES.has(block.type) && !TYPES_WITHOUT_LOCAL_EFFECT.has(block.type),
  );
  if (unknown.length > 0) {
    const names = [...new Set(unknown.map((block) => block.type))].join(", ");
    throw new LocalModeConfigError(
      `local mode does not know how to run these resource types: ${names}; ` +
        "add them to local/stack-model.ts (modelled or without local effect)",
    );
  }

  const of = (type: string) => document.blocks.filter((block) => block.type === type);
  const byAddress = new Map(document.blocks.map((block) => [block.address, block]));

  return {
    stackDir,
    region: providerRegion(document),
    buckets: of("aws_s3_bucket").map((b) => named(b, "bucket")),
    tables: of("aws_dynamodb_table").map(tableModel),
    topics: of("aws_sns_topic").map((b) => named(b, "name")),
    queues: of("aws_sqs_queue").map((b) => named(b, "name")),
    functions: of("aws_lambda_function").map((b) => functionModel(b, byAddress, stackDir)),
    notifications: of("aws_s3_bucket_notification").flatMap(notificationTargets),
    subscriptions: of("aws_sns_topic_subscription").map(subscriptionModel),
    invokeConfigs: of("aws_lambda_function_event_invoke_config").map(invokeConfigModel),
    permissions: of("aws_lambda_permission").map(permissionModel),
    document,
  };
}

function providerRegion(document: TerraformDocument): string {
  const region = document.providers.aws?.[0]?.region;
  if (typeof region !== "string" || region.includes("${")) {
    throw new LocalModeConfigError(
      `the stack's AWS provider needs a literal region, found ${JSON.stringify(region)}`,
    );
  }

  return region;
}

function literal(block: TerraformBlock, field: string): string {
  const value = block.config[field];
  if (typeof value !== "string" || value.length === 0 || value.includes("${")) {
    throw new LocalModeConfigError(
      `${block.address}: local mode needs a literal "${field}", found ${JSON.stringify(value)}`,
    );
  }

  return value;
}

function reference(block: TerraformBlock, field: string, value = block.config[field]): string {
  const ref = referencedAddress(value);
  if (!ref) {
    throw new LocalModeConfigError(
      `${block.address}: "${field}" must reference another resource of the stack, found ${JSON.stringify(value)}`,
    );
  }

  return ref.address;
}

function named(block: TerraformBlock, field: string): NamedResource {
  return { address: block.address, name: literal(block, field) };
}

function tableModel(block: TerraformBlock): TableModel {
  const rangeKey = block.config.range_key;

  return {
    ...named(block, "name"),
    hashKey: literal(block, "hash_key"),
    rangeKey: typeof rangeKey === "string" ? rangeKey : undefined,
    attributes: asBlockList(block.config.attribute).map((a) => ({
      name: String(a.name),
      type: String(a.type),
    })),
  };
}

function functionModel(
  block: TerraformBlock,
  byAddress: Map<string, TerraformBlock>,
  stackDir: string,
): FunctionModel {
  const archiveAddress = reference(block, "filename");
  const archive = byAddress.get(archiveAddress);
  if (!archive || archive.type !== "data.archive_file") {
    throw new LocalModeConfigError(
      `${block.address}: local mode runs code from a data.archive_file, and "filename" points at ${archiveAddress}`,
    );
  }
  const sourceDir = literalPath(archive, "source_dir");
  const variables = asRecord(asBlockList(block.config.environment)[0]?.variables);

  return {
    ...named(block, "function_name"),
    handler: literal(block, "handler"),
    runtime: literal(block, "runtime"),
    timeoutSeconds: Number(block.config.timeout ?? 3),
    memoryMb: Number(block.config.memory_size ?? 128),
    architecture: Array.isArray(block.config.architectures) ? String(block.config.architectures[0]) : "x86_64",
    codeDir: isAbsolute(sourceDir) ? sourceDir : resolve(stackDir, sourceDir),
    environment: Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [key, String(value)]),
    ),
  };
}

/** `${path.module}` is the stack directory, which paths are relative to anyway. */
function literalPath(block: TerraformBlock, field: string): string {
  const value = block.config[field];
  if (typeof value !== "string") {
    throw new LocalModeConfigError(`${block.address}: "${field}" is missing`);
  }
  const path = value.replace(/^\$\{path\.(module|root)\}\/?/, "");
  if (path.includes("${")) {
    throw new LocalModeConfigError(
      `${block.address}: "${field}" must be a path relative to the stack directory, found ${value}`,
    );
  }

  return path === "" ? "." : path;
}

function notificationTargets(block: TerraformBlock): NotificationTarget[] {
  for (const unsupported of ["queue", "topic", "eventbridge"]) {
    if (block.config[unsupported] !== undefined && block.config[unsupported] !== false) {
      throw new LocalModeConfigError(
        `${block.address}: local mode routes S3 notifications to Lambda functions only, not "${unsupported}"`,
      );
    }
  }
  const bucketAddress = reference(block, "bucket");

  return asBlockList(block.config.lambda_function).map((entry) => ({
    id: typeof entry.id === "string" ? entry.id : undefined,
    bucketAddress,
    functionAddress: reference(block, "lambda_function_arn", entry.lambda_function_arn),
    events: Array.isArray(entry.events) ? entry.events.map(String) : [],
    filterPrefix: typeof entry.filter_prefix === "string" ? entry.filter_prefix : undefined,
    filterSuffix: typeof entry.filter_suffix === "string" ? entry.filter_suffix : undefined,
  }));
}

function subscriptionModel(block: TerraformBlock): SubscriptionModel {
  const protocol = literal(block, "protocol");
  if (protocol !== "lambda") {
    throw new LocalModeConfigError(
      `${block.address}: local mode delivers SNS to Lambda only, not protocol "${protocol}"`,
    );
  }
  for (const unsupported of ["filter_policy", "raw_message_delivery"]) {
    if (block.config[unsupported] !== undefined) {
      throw new LocalModeConfigError(
        `${block.address}: local mode does not implement "${unsupported}" on subscriptions`,
      );
    }
  }

  return {
    address: block.address,
    topicAddress: reference(block, "topic_arn"),
    functionAddress: reference(block, "endpoint"),
  };
}

function invokeConfigModel(block: TerraformBlock): InvokeConfigModel {
  const onFailure = asBlockList(
    asBlockList(block.config.destination_config)[0]?.on_failure,
  )[0]?.destination;

  return {
    functionAddress: reference(block, "function_name"),
    maximumRetryAttempts: Number(block.config.maximum_retry_attempts ?? 2),
    onFailureQueueAddress: onFailure === undefined ? undefined : reference(block, "on_failure", onFailure),
  };
}

function permissionModel(block: TerraformBlock): PermissionModel {
  const optional = (field: string) =>
    typeof block.config[field] === "string" ? (block.config[field] as string) : undefined;

  return {
    functionAddress: reference(block, "function_name"),
    principal: literal(block, "principal"),
    sourceArn: optional("source_arn"),
    sourceAccount: optional("source_account"),
  };
}
