import type { IConstruct } from "constructs";
import { AwsProvider, type AwsProviderEndpoints } from "@cdktf/provider-aws/lib/provider";

/**
 * The provider's endpoint names of every AWS service a stack here calls:
 * S3, DynamoDB, SNS, SQS, Lambda, IAM, STS (the caller identity and the
 * credential check) and CloudWatch Logs, which the provider calls `logs` and
 * also accepts as `cloudwatchlogs`. Both spellings are set to the same URL so
 * that neither can fall through to AWS.
 */
export const LOCALSTACK_SERVICES = [
  "cloudwatchlogs",
  "dynamodb",
  "iam",
  "lambda",
  "logs",
  "s3",
  "sns",
  "sqs",
  "sts",
] as const satisfies readonly (keyof AwsProviderEndpoints)[];

/** LocalStack accepts any key pair; these are the ones its documentation uses. */
export const LOCALSTACK_CREDENTIALS = { accessKey: "test", secretKey: "test" } as const;

/**
 * Points one AWS provider at LocalStack: every service of
 * {@link LOCALSTACK_SERVICES} at `endpoint`, path-style S3 (LocalStack serves
 * buckets under its own host name, not as subdomains), dummy keys, and no
 * calls to STS, IAM or the instance metadata service before the first
 * resource call.
 */
export function aimProviderAtLocalStack(provider: AwsProvider, endpoint: string): void {
  provider.endpoints = [
    Object.fromEntries(LOCALSTACK_SERVICES.map((service) => [service, endpoint])),
  ];
  provider.s3UsePathStyle = true;
  provider.skipCredentialsValidation = true;
  provider.skipMetadataApiCheck = "true";
  provider.skipRequestingAccountId = true;
  provider.accessKey = LOCALSTACK_CREDENTIALS.accessKey;
  provider.secretKey = LOCALSTACK_CREDENTIALS.secretKey;
}

/**
 * Aims every AWS provider below `scope` at LocalStack when `endpoint` is set
 * (LOCALSTACK_ENDPOINT); leaves them untouched otherwise.
 *
 * @returns how many providers were changed
 */
export function applyLocalStackTarget(scope: IConstruct, endpoint: string | undefined): number {
  if (endpoint === undefined) return 0;
  const providers = scope.node
    .findAll()
    .filter((construct): construct is AwsProvider => construct instanceof AwsProvider);
  for (const provider of providers) aimProviderAtLocalStack(provider, endpoint);

  return providers.length;
}
