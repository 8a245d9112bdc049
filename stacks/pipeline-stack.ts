import type { Construct } from "constructs";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "./cdktf";
import type { PipelineConfig } from "./config";
import { AccessLogBucket } from "./constructs/access-log-bucket";
import { EventsTopic } from "./constructs/events-topic";
import { InstructorUser } from "./constructs/instructor-user";
import { JobsTable } from "./constructs/jobs-table";
import { ASYNC_MAXIMUM_RETRY_ATTEMPTS, PipelineFunction } from "./constructs/pipeline-function";
import { PrivateBucket } from "./constructs/private-bucket";
import { PublicReadBucket } from "./constructs/public-read-bucket";
import { TopicSubscription } from "./constructs/topic-subscription";
import { UploadTrigger } from "./constructs/upload-trigger";
import { renderInstructorPolicy } from "./instructor-policy";
import { addPipelineOutputs } from "./pipeline-outputs";
import { functionDistDir, ROOT_FROM_MODULE, type PipelineFunctionId } from "./repo-layout";
import { pipelineNames } from "./resource-names";
import { configureStateBackend } from "./state-backend";

/**
 * The whole image pipeline in one Terraform stack: uploads bucket -> image
 * processor -> thumbnails bucket, job table and events topic -> analytics
 * logger -> analytics bucket, plus the optional instructor user and the ten
 * outputs that data.json is made from.
 */
export class PipelineStack extends TerraformStack {
  constructor(scope: Construct, config: PipelineConfig) {
    super(scope, config.stackName);

    configureStateBackend(this, config.stackName, config.stateBackend);
    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [
        {
          tags: {
            Project: "image-pipeline",
            Stage: config.stage,
            Stack: config.stackName,
            ManagedBy: "cdktf",
          },
        },
      ],
    });
    new ArchiveProvider(this, "archive");

    const accountId = new DataAwsCallerIdentity(this, "caller").accountId;
    const names = pipelineNames(
      config.stackName,
      config.accountIdInBucketNames ? accountId : undefined
    );

    const uploads = new PrivateBucket(this, "uploads", {
      bucketName: names.uploadsBucket,
      versioned: true,
      forceDestroy: config.forceDestroyBuckets,
      lifecycleRules: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
        },
      ],
    });
    const thumbnails = new PublicReadBucket(this, "thumbnails", {
      bucketName: names.thumbnailsBucket,
      forceDestroy: config.forceDestroyBuckets,
    });
    // A redelivered event rewrites the same key on purpose; versioning keeps
    // the document before it (or a deleted one) for a few days only.
    const analytics = new PrivateBucket(this, "analytics", {
      bucketName: names.analyticsBucket,
      versioned: true,
      forceDestroy: config.forceDestroyBuckets,
      lifecycleRules: [
        {
          id: "expire-events",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: config.analytics.expirationDays }],
        },
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: config.analytics.noncurrentVersionDays }],
        },
        {
          // Objects under 128 KiB cost more in STANDARD_IA than in STANDARD.
          id: "tier-large-objects",
          status: "Enabled",
          filter: [{ objectSizeGreaterThan: 131_072 }],
          transition: [{ days: config.analytics.transitionDays, storageClass: "STANDARD_IA" }],
        },
      ],
    });
    if (config.accessLogs.enabled) {
      new AccessLogBucket(this, "access-logs", {
        bucketName: names.accessLogBucket,
        accountId,
        sources: { uploads, thumbnails, analytics },
        expirationDays: config.accessLogs.expirationDays,
        forceDestroy: config.forceDestroyBuckets,
      });
    }
    const jobs = new JobsTable(this, "jobs", { tableName: names.jobsTable });
    const topic = new EventsTopic(this, "events", { topicName: names.eventsTopic });

    const code = (fn: PipelineFunctionId) => ({
      codeDir: `${ROOT_FROM_MODULE}/${functionDistDir(config.architecture, fn)}`,
      zipPath: `\${path.module}/${fn}.zip`,
    });
    const processor = new PipelineFunction(this, "image-processor", {
      functionName: names.imageProcessor,
      ...code("image-processor"),
      architecture: config.architecture,
      sizing: config.processor,
      logRetentionDays: config.logRetentionDays,
      environment: {
        THUMBNAILS_BUCKET: thumbnails.bucketName,
        JOBS_TABLE: jobs.tableName,
        EVENTS_TOPIC_ARN: topic.topicArn,
        THUMBNAIL_SIZE: String(config.thumbnail.size),
        MAX_INPUT_BYTES: String(config.thumbnail.maxInputBytes),
        MAX_INPUT_PIXELS: String(config.thumbnail.maxInputPixels),
        LOG_LEVEL: config.logLevel,
        POWERTOOLS_SERVICE_NAME: "image-processor",
        MAX_ATTEMPTS: String(ASYNC_MAXIMUM_RETRY_ATTEMPTS + 1),
      },
      statements: [
        {
          // The uploads bucket is versioned and the handler reads the exact
          // version named in the event, which S3 authorizes as GetObjectVersion.
          Sid: "ReadUploads",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:GetObjectVersion"],
          Resource: [`${uploads.bucketArn}/*`],
        },
        {
          Sid: "WriteThumbnails",
          Effect: "Allow",
          Action: ["s3:PutObject"],
          Resource: [`${thumbnails.bucketArn}/*`],
        },
        {
          Sid: "RecordJobs",
          Effect: "Allow",
          Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"],
          Resource: [jobs.tableArn],
        },
        {
          Sid: "PublishEvents",
          Effect: "Allow",
          Action: ["sns:Publish"],
          Resource: [topic.topicArn],
        },
        {
          // Writing to the bucket that triggers it would loop; deny it even if
          // a broader policy is attached to the role later.
          Sid: "NeverWriteUploads",
          Effect: "Deny",
          Action: ["s3:PutObject"],
          Resource: [`${uploads.bucketArn}/*`],
        },
      ],
    });
    const logger = new PipelineFunction(this, "analytics-logger", {
      functionName: names.analyticsLogger,
      ...code("analytics-logger"),
      architecture: config.architecture,
      sizing: config.logger,
      logRetentionDays: config.logRetentionDays,
      environment: {
        ANALYTICS_BUCKET: analytics.bucketName,
        ANALYTICS_PREFIX: config.analytics.prefix,
        LOG_LEVEL: config.logLevel,
      },
      statements: [
        {
          Sid: "WriteAnalytics",
          Effect: "Allow",
          Action: ["s3:PutObject"],
          Resource: [`${analytics.bucketArn}/*`],
        },
      ],
    });

    new UploadTrigger(this, "upload-trigger", {
      bucketName: uploads.bucketName,
      bucketArn: uploads.bucketArn,
      accountId,
      functionName: processor.functionName,
      functionArn: processor.functionArn,
    });
    new TopicSubscription(this, "events-subscription", {
      topicArn: topic.topicArn,
      functionName: logger.functionName,
      functionArn: logger.functionArn,
    });

    const instructor = config.instructorUser
      ? new InstructorUser(this, "instructor", {
          userName: names.instructorUser,
          groupName: names.instructorGroup,
          policy: renderInstructorPolicy({
            uploads_bucket_arn: uploads.bucketArn,
            thumbnails_bucket_arn: thumbnails.bucketArn,
            analytics_bucket_arn: analytics.bucketArn,
            jobs_table_arn: jobs.tableArn,
            sns_topic_arn: topic.topicArn,
            image_processor_function_arn: processor.functionArn,
            analytics_logger_function_arn: logger.functionArn,
            image_processor_log_group_arn: processor.logGroupArn,
            analytics_logger_log_group_arn: logger.logGroupArn,
            stack_name: config.stackName,
            region: config.region,
            account_id: accountId,
          }),
        })
      : undefined;

    addPipelineOutputs(this, {
      instructor_iam_username: instructor?.userName ?? "",
      instructor_access_key_id: instructor?.accessKeyId ?? "",
      instructor_secret_access_key: instructor?.secretAccessKey ?? "",
      aws_region: config.region,
      stack_name: config.stackName,
      uploads_bucket: uploads.bucketName,
      thumbnails_bucket: thumbnails.bucketName,
      analytics_bucket: analytics.bucketName,
      jobs_table: jobs.tableName,
      sns_topic_arn: topic.topicArn,
    });
  }
}
