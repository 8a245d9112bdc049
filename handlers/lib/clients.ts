import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The AWS clients of the image processor. */
export interface ProcessorClients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

/**
 * Creates the image processor's clients, once per cold start. Region and
 * endpoints come from the SDK's own environment variables (AWS_REGION,
 * AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS), so
 * emulators need no code here.
 */
export function createProcessorClients(): ProcessorClients {
  return {
    s3: new S3Client({}),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sns: new SNSClient({}),
  };
}

/** Creates the analytics logger's S3 client, once per cold start. */
export function createAnalyticsClients(): { readonly s3: S3Client } {
  return { s3: new S3Client({}) };
}
