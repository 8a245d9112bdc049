import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

import type { ClientTimeouts } from "./config";

/** The AWS clients of the image processor. */
export interface ProcessorClients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

/** Options of the SDK's Node.js HTTP handler (NodeHttpHandler); each client builds its own. */
function httpHandlerOptions(timeouts: ClientTimeouts) {
  return {
    connectionTimeout: timeouts.connectionTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    // Without it a request past requestTimeout only logs a warning and keeps waiting.
    throwOnRequestTimeout: true,
    // requestTimeout ends at the response headers; a body that stops arriving is ended by this.
    socketTimeout: timeouts.requestTimeoutMs,
  };
}

/**
 * Creates the image processor's clients, once per cold start. Region and
 * endpoints come from the SDK's own environment variables (AWS_REGION,
 * AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS), so
 * emulators need no code here; every call is bounded by `timeouts`.
 */
export function createProcessorClients(timeouts: ClientTimeouts): ProcessorClients {
  const requestHandler = httpHandlerOptions(timeouts);

  return {
    s3: new S3Client({ requestHandler }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sns: new SNSClient({ requestHandler }),
  };
}

/** Creates the analytics logger's S3 client, once per cold start, bounded by `timeouts`. */
export function createAnalyticsClients(timeouts: ClientTimeouts): { readonly s3: S3Client } {
  return { s3: new S3Client({ requestHandler: httpHandlerOptions(timeouts) }) };
}
