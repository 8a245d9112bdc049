/**
 * The stack outputs, named exactly like the fields of data.json. Kept free of
 * CDKTF imports so that scripts can read it cheaply.
 */
export const OUTPUT_NAMES = [
  "instructor_iam_username",
  "instructor_access_key_id",
  "instructor_secret_access_key",
  "aws_region",
  "stack_name",
  "uploads_bucket",
  "thumbnails_bucket",
  "analytics_bucket",
  "jobs_table",
  "sns_topic_arn",
] as const;

/** One of {@link OUTPUT_NAMES}. */
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** Outputs that Terraform marks sensitive and tools must never print. */
export const SECRET_OUTPUTS: readonly OutputName[] = ["instructor_secret_access_key"];

/** Outputs that are empty strings when the instructor user is switched off. */
export const INSTRUCTOR_OUTPUTS: readonly OutputName[] = [
  "instructor_iam_username",
  "instructor_access_key_id",
  "instructor_secret_access_key",
];

/** What each output holds (the Terraform output description). */
export const OUTPUT_DESCRIPTIONS: Readonly<Record<OutputName, string>> = {
  instructor_iam_username:
    "IAM user name of the read-only instructor (empty when INSTRUCTOR_USER=off)",
  instructor_access_key_id: "Access key id of the instructor (empty when INSTRUCTOR_USER=off)",
  instructor_secret_access_key:
    "Secret access key of the instructor (empty when INSTRUCTOR_USER=off)",
  aws_region: "Region of the stack",
  stack_name: "Name of the stack, prefix of every resource name",
  uploads_bucket: "Private bucket; every object created here is processed",
  thumbnails_bucket: "Public-read bucket of thumbnails, same key as the upload",
  analytics_bucket: "Private bucket of analytics documents (one JSON document per job event)",
  jobs_table: "DynamoDB table of jobs, hash key jobId",
  sns_topic_arn: "ARN of the topic that carries one message per finished job",
};
