import type { PublishCommandInput } from "@aws-sdk/client-sns";

import type { FinalJobStatus, ImageFacts, JobFailure, JobResult } from "./job-result";

/** Version of the message layout; consumers branch on it. */
export const JOB_MESSAGE_SCHEMA_VERSION = 1;

/** The JSON body of the message published when a job finishes. */
export interface JobMessage {
  readonly schemaVersion: typeof JOB_MESSAGE_SCHEMA_VERSION;
  readonly jobId: string;
  readonly status: FinalJobStatus;
  readonly sourceBucket: string;
  readonly sourceKey: string;
  readonly thumbnailBucket?: string;
  readonly thumbnailKey?: string;
  readonly source?: ImageFacts;
  readonly thumbnail?: ImageFacts;
  readonly durationMs: number;
  readonly error?: JobFailure;
  readonly receivedAt: string;
  readonly finishedAt: string;
}

/** SNS subject of each final status. */
export const JOB_MESSAGE_SUBJECTS: Readonly<Record<FinalJobStatus, string>> = {
  SUCCEEDED: "image-processed",
  FAILED: "image-failed",
};

/**
 * Builds the message of a finished job. It carries sizes and keys only, never
 * image metadata, so it stays a few hundred bytes (keys are at most 1 KiB).
 */
export function buildJobMessage(result: JobResult): JobMessage {
  return {
    schemaVersion: JOB_MESSAGE_SCHEMA_VERSION,
    jobId: result.jobId,
    status: result.status,
    sourceBucket: result.sourceBucket,
    sourceKey: result.sourceKey,
    ...(result.thumbnailBucket ? { thumbnailBucket: result.thumbnailBucket } : {}),
    ...(result.thumbnailKey ? { thumbnailKey: result.thumbnailKey } : {}),
    ...(result.source ? { source: result.source } : {}),
    ...(result.thumbnail ? { thumbnail: result.thumbnail } : {}),
    durationMs: result.durationMs,
    ...(result.error ? { error: { kind: result.error.kind, reason: result.error.reason } } : {}),
    receivedAt: result.receivedAt,
    finishedAt: result.finishedAt,
  };
}

/** The Publish request of a job message, with the `status` attribute for subscription filters. */
export function publishJobMessageInput(topicArn: string, message: JobMessage): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: JOB_MESSAGE_SUBJECTS[message.status],
    Message: JSON.stringify(message),
    MessageAttributes: {
      status: { DataType: "String", StringValue: message.status },
    },
  };
}
