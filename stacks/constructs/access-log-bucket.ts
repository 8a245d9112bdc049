import type { Construct } from "constructs";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { StackError } from "../errors";
import type { PolicyStatement } from "../iam-policy";
import { PrivateBucket } from "./private-bucket";

/** A bucket whose requests are logged: its name and ARN, from the construct that owns it. */
export interface LoggedBucket {
  readonly bucketName: string;
  readonly bucketArn: string;
}

/** Properties of an {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Account that owns this bucket and every source bucket. */
  readonly accountId: string;
  /** Buckets whose requests are logged, by name (a-z, 0-9, `-`); `x` logs under `x/`. */
  readonly sources: Readonly<Record<string, LoggedBucket>>;
  /** Days after which a log object is deleted. */
  readonly expirationDays: number;
  /** Let `terraform destroy` delete a non-empty bucket. Default: false. */
  readonly forceDestroy?: boolean;
}

/**
 * A {@link PrivateBucket} that receives the server access logs of the source
 * buckets, with their logging settings. ACLs are disabled, so the S3 logging
 * service gets in through the bucket policy alone: each source under its own
 * prefix, only on behalf of that source bucket in this account. Log objects
 * are keyed by event date and expire after `expirationDays`.
 *
 * It does not log its own requests: logging into itself would log every log
 * delivery, without end, and another log bucket would need one in turn.
 */
export class AccessLogBucket extends PrivateBucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    const sources = Object.entries(props.sources);
    super(scope, id, {
      bucketName: props.bucketName,
      forceDestroy: props.forceDestroy,
      lifecycleRules: [
        {
          id: "expire-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.expirationDays }],
        },
      ],
      policyStatements: (logBucketArn) =>
        sources.map(([name, source]) =>
          allowLogDelivery(name, source.bucketArn, logBucketArn, props.accountId)
        ),
    });

    for (const [name, source] of sources) {
      new S3BucketLoggingA(this, `${name}-logging`, {
        bucket: source.bucketName,
        targetBucket: this.bucketName,
        targetPrefix: `${name}/`,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        // Deliveries made before the policy lets the logging service in are refused and lost.
        dependsOn: [this.policy],
      });
    }
  }
}

/** The statement that lets S3 deliver one source bucket's logs under `<name>/`. */
function allowLogDelivery(
  name: string,
  sourceArn: string,
  logBucketArn: string,
  accountId: string
): PolicyStatement {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) {
    throw new StackError(
      `AccessLogBucket sources: "${name}" must be lower-case letters and digits with inner '-', ` +
        "since it becomes the log prefix and part of a policy statement id"
    );
  }
  const sidName = name.replace(/(?:^|-)([a-z0-9])/g, (_match, c: string) => c.toUpperCase());

  return {
    Sid: `DeliverAccessLogsOf${sidName}`,
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: ["s3:PutObject"],
    Resource: [`${logBucketArn}/${name}/*`],
    Condition: {
      ArnEquals: { "aws:SourceArn": sourceArn },
      StringEquals: { "aws:SourceAccount": accountId },
    },
  };
}
