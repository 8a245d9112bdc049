import type { PolicyRule } from "../support/policy-rule";
import { DATA_RULES } from "./data-rules";
import { IAM_RULES } from "./iam-rules";
import { LAMBDA_RULES } from "./lambda-rules";
import { S3_RULES } from "./s3-rules";

/** Every policy rule, in table order. */
export const ALL_RULES: readonly PolicyRule[] = [
  ...S3_RULES,
  ...LAMBDA_RULES,
  ...DATA_RULES,
  ...IAM_RULES,
];
