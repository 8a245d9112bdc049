/** Names of the named resources of one stack. */
export interface PipelineNames {
  /** Private bucket that receives uploads. */
  readonly uploadsBucket: string;
  /** Public-read bucket of thumbnails. */
  readonly thumbnailsBucket: string;
  /** Private bucket of analytics documents. */
  readonly analyticsBucket: string;
  /** Private bucket of the other buckets' server access logs. */
  readonly accessLogBucket: string;
  /** DynamoDB job table. */
  readonly jobsTable: string;
  /** SNS topic of job events. */
  readonly eventsTopic: string;
  /** Image processor function. */
  readonly imageProcessor: string;
  /** Analytics logger function. */
  readonly analyticsLogger: string;
  /** Instructor IAM user. */
  readonly instructorUser: string;
  /** IAM group that holds the instructor's policy. */
  readonly instructorGroup: string;
}

/**
 * Derives every resource name from the stack name.
 *
 * @param bucketSuffix appended to bucket names (`-<suffix>`), e.g. the account
 *   id, since bucket names are global across all AWS accounts
 */
export function pipelineNames(stackName: string, bucketSuffix?: string): PipelineNames {
  const bucket = (role: string): string =>
    bucketSuffix === undefined ? `${stackName}-${role}` : `${stackName}-${role}-${bucketSuffix}`;

  return {
    uploadsBucket: bucket("uploads"),
    thumbnailsBucket: bucket("thumbnails"),
    analyticsBucket: bucket("analytics"),
    // With a 39-character stack name and a 12-digit account id, "access-logs"
    // would make a 64-character name, one over S3's limit.
    accessLogBucket: bucket("access-log"),
    jobsTable: `${stackName}-jobs`,
    eventsTopic: `${stackName}-image-events`,
    imageProcessor: `${stackName}-image-processor`,
    analyticsLogger: `${stackName}-analytics-logger`,
    instructorUser: `${stackName}-instructor`,
    instructorGroup: `${stackName}-instructors`,
  };
}
