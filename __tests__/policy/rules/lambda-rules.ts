import type { PolicyRule } from "../support/policy-rule";
import { single, StackIndex, StackResource } from "../support/stack-index";

const FUNCTION = ["aws_lambda_function"];

/** Runtimes Lambda supports for new functions and updates (deprecated ones excluded). */
export const SUPPORTED_RUNTIMES: ReadonlySet<string> = new Set([
  "nodejs20.x",
  "nodejs22.x",
  "python3.10",
  "python3.11",
  "python3.12",
  "python3.13",
  "java17",
  "java21",
  "dotnet8",
  "ruby3.3",
  "ruby3.4",
  "provided.al2023",
  "provided.al2",
]);

/** Permissions of a function, by reference from `function_name`. */
function permissionsOf(fn: StackResource, stack: StackIndex): StackResource[] {
  return stack.referencing("aws_lambda_permission", "function_name", fn);
}

const SECRET_NAME = /secret|password|passwd|token|private_?key|access_?key|credential/i;
const SECRET_VALUE =
  /(A(KIA|SIA)[A-Z0-9]{16})|-----BEGIN [A-Z ]*PRIVATE KEY-----|\.(secret|password|ses_smtp_password_v4)\}/;

/** Rules for the functions: failure destination, concurrency, tracing, runtime, secrets, logs. */
export const LAMBDA_RULES: readonly PolicyRule[] = [
  {
    id: "LAMBDA_FAILURE_DESTINATION",
    title: "dead-letter queue or on-failure destination",
    description: "An event that exhausts its retries is kept, not dropped in silence.",
    references: ["CKV_AWS_116"],
    resourceTypes: FUNCTION,
    check: (fn, stack) => {
      if (single(fn.config.dead_letter_config)?.target_arn) return undefined;
      const destinations = stack
        .referencing("aws_lambda_function_event_invoke_config", "function_name", fn)
        .map((config) => single(single(config.config.destination_config)?.on_failure)?.destination)
        .filter((destination) => stack.referenced(destination) !== undefined);

      return destinations.length > 0
        ? undefined
        : "neither dead_letter_config nor an on-failure destination";
    },
  },
  {
    id: "LAMBDA_CONCURRENCY_LIMIT",
    title: "function-level concurrency limit",
    description:
      "A burst of events cannot take the account's whole concurrency or flood what the function writes to.",
    references: ["CKV_AWS_115"],
    resourceTypes: FUNCTION,
    check: (fn) => {
      const reserved = fn.config.reserved_concurrent_executions;

      return typeof reserved === "number" && reserved >= 0
        ? undefined
        : "reserved_concurrent_executions is not set";
    },
  },
  {
    id: "LAMBDA_TRACING",
    title: "X-Ray tracing active",
    description: "Each invocation is traced through S3, DynamoDB and SNS.",
    references: ["CKV_AWS_50", "tfsec aws-lambda-enable-tracing"],
    resourceTypes: FUNCTION,
    check: (fn) => {
      const mode = single(fn.config.tracing_config)?.mode;

      return mode === "Active" ? undefined : `tracing mode is ${JSON.stringify(mode)}`;
    },
  },
  {
    id: "LAMBDA_SUPPORTED_RUNTIME",
    title: "supported runtime",
    description: "The runtime still gets security patches and can be updated.",
    references: ["CKV_AWS_363"],
    resourceTypes: FUNCTION,
    check: (fn) =>
      SUPPORTED_RUNTIMES.has(String(fn.config.runtime))
        ? undefined
        : `runtime ${fn.config.runtime} is not supported`,
  },
  {
    id: "LAMBDA_NO_SECRETS_IN_ENV",
    title: "no secrets in environment variables",
    description:
      "Environment variables are readable by anyone who may read the function's configuration.",
    references: ["CKV_AWS_45"],
    resourceTypes: FUNCTION,
    check: (fn) => {
      const variables = (single(fn.config.environment)?.variables ?? {}) as Record<string, unknown>;
      const leaks = Object.entries(variables).filter(
        ([name, value]) =>
          SECRET_VALUE.test(String(value)) ||
          (SECRET_NAME.test(name) && String(value) !== "" && !String(value).includes("${")),
      );

      return leaks.length === 0
        ? undefined
        : `secret-like variable(s): ${leaks.map(([name]) => name).join(", ")}`;
    },
  },
  {
    id: "LAMBDA_PERMISSION_SCOPED",
    title: "service permissions name the source (and S3's the account)",
    description:
      "A service may invoke the function only from the stack's own bucket or topic; a bucket ARN holds no account, so S3's permission also names the account (case I4).",
    references: ["CKV_AWS_364", "tfsec aws-lambda-restrict-source-arn", "case I3", "case I4"],
    resourceTypes: FUNCTION,
    check: (fn, stack) => {
      const loose = permissionsOf(fn, stack).filter((permission) => {
        const {
          principal,
          source_arn: sourceArn,
          source_account: sourceAccount,
        } = permission.config;
        if (!String(principal).endsWith(".amazonaws.com")) return false;
        if (stack.referenced(sourceArn) === undefined) return true;

        return principal === "s3.amazonaws.com" && !sourceAccount;
      });

      return loose.length === 0
        ? undefined
        : `permission(s) ${loose.map((p) => p.path).join(", ")} are not scoped`;
    },
  },
  {
    id: "LAMBDA_OWN_LOG_GROUP",
    title: "the stack declares the function's log group",
    description:
      "Otherwise Lambda creates one that keeps logs forever and that the stack cannot configure.",
    references: ["CKV_AWS_66"],
    resourceTypes: FUNCTION,
    check: (fn, stack) => {
      const named = `/aws/lambda/${fn.config.function_name}`;
      const configured = stack.referenced(single(fn.config.logging_config)?.log_group);
      const group = stack
        .ofType("aws_cloudwatch_log_group")
        .find((g) => g === configured || g.config.name === named);

      return group ? undefined : `no aws_cloudwatch_log_group for ${named}`;
    },
  },
];
