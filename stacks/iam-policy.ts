/**
 * One IAM policy statement, written the way AWS spells it. Resource strings may
 * hold CDKTF tokens (an ARN attribute); they become Terraform references when
 * the stack is synthesized.
 */
export interface PolicyStatement {
  /** Statement id, unique inside one policy. */
  readonly Sid: string;
  /** Allow or Deny. */
  readonly Effect: "Allow" | "Deny";
  /** Principal of a resource policy; absent in identity policies. */
  readonly Principal?: "*" | Record<string, string | string[]>;
  /** Actions, each `service:Name`, never a bare `*`. */
  readonly Action: readonly string[];
  /** Resource ARNs the actions apply to. */
  readonly Resource: readonly string[];
  /** Optional condition block. */
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** Renders statements as an IAM policy document (JSON string). */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * The statement every bucket policy here carries: requests without TLS are
 * denied, whoever sends them.
 */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: ["s3:*"],
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
