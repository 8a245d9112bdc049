import type { Logger } from "@aws-lambda-powertools/logger";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Context, SNSEvent, SNSEventRecord } from "aws-lambda";

import { analyticsObjectKey, buildAnalyticsDocument } from "./analytics-document";
import { classifyAwsError } from "./aws-errors";
import type { AnalyticsConfig } from "./config";
import { RetryableBatchError } from "./errors";

/** Everything the analytics logger needs, created once per cold start; tests inject their own. */
export interface AnalyticsDeps {
  readonly config: AnalyticsConfig;
  readonly s3: S3Client;
  readonly logger: Logger;
  /** Clock; defaults to the system clock. */
  readonly now?: () => Date;
}

/** Keys of the documents written by one invocation, in record order. */
export interface AnalyticsSummary {
  readonly written: readonly string[];
}

/** The analytics logger's Lambda handler. */
export type AnalyticsLoggerHandler = (
  event: SNSEvent,
  context?: Context
) => Promise<AnalyticsSummary>;

const LOG_KEYS = ["messageId", "jobId", "key"];

async function storeRecord(
  record: SNSEventRecord,
  deps: AnalyticsDeps,
  receivedAt: Date
): Promise<string> {
  const { config, logger } = deps;
  const document = buildAnalyticsDocument(record, receivedAt);
  const objectKey = analyticsObjectKey(config.analyticsPrefix, record, receivedAt);
  logger.appendKeys({ jobId: document.jobId, key: document.sourceKey });
  if (document.malformed) {
    logger.warn("malformed message", {
      reason: document.parseError,
      note: "stored raw and flagged",
    });
  }

  await deps.s3.send(
    new PutObjectCommand({
      Bucket: config.analyticsBucket,
      Key: objectKey,
      Body: JSON.stringify(document),
      ContentType: "application/json",
    })
  );
  logger.info("stored", {
    analyticsKey: objectKey,
    eventType: document.eventType,
    status: document.status,
  });

  return objectKey;
}

/**
 * Builds the analytics logger handler around an injected S3 client. Every SNS
 * record becomes one JSON document; a failed write does not stop the other
 * records, and the invocation fails afterwards so that Lambda retries it. The
 * document keys depend only on the message, so a retry overwrites.
 */
export function createAnalyticsLogger(deps: AnalyticsDeps): AnalyticsLoggerHandler {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());

  return async (event, context) => {
    if (context) {
      logger.addContext(context);
    }
    const records = Array.isArray(event?.Records) ? event.Records : [];
    const written: string[] = [];
    const failed: string[] = [];
    for (const record of records) {
      const messageId = record?.Sns?.MessageId ?? "unknown";
      logger.appendKeys({ messageId });
      try {
        written.push(await storeRecord(record, deps, now()));
      } catch (error) {
        logger.error("store failed; the event is left for Lambda to retry", {
          errorKind: classifyAwsError(error) === "transient" ? "transient" : "unexpected",
          error,
        });
        failed.push(messageId);
      } finally {
        logger.removeKeys(LOG_KEYS);
      }
    }

    if (failed.length > 0) {
      logger.warn("retrying the event", {
        failedMessageIds: failed,
        reason: "all records were attempted; the invocation fails so Lambda retries it",
      });
      throw new RetryableBatchError(failed, records.length);
    }
    logger.info("batch done", { written: written.length });

    return { written };
  };
}
