/**
 * Entry of the comparison bundle: the SDK clients the image processor uses,
 * created as a handler module would create them, and nothing else.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The clients, at module scope as in a Lambda handler. */
export const clients = {
  s3: new S3Client({}),
  dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  sns: new SNSClient({}),
};
