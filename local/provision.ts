import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";

import { ProvisionedIds } from "./attribute-lookup";
import { StackModel } from "./stack-model";

/** SDK clients pointed at the emulators, for local mode's own use. */
export interface EmulatorClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/**
 * Creates in the emulators every bucket, table, topic and queue the stack
 * declares, and returns the identifiers the emulators gave them.
 */
export async function provision(model: StackModel, clients: EmulatorClients): Promise<ProvisionedIds> {
  for (const bucket of model.buckets) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket.name }));
  }
  for (const table of model.tables) {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: table.attributes.map((a) => ({
          AttributeName: a.name,
          AttributeType: a.type as "S" | "N" | "B",
        })),
        KeySchema: [
          { AttributeName: table.hashKey, KeyType: "HASH" },
          ...(table.rangeKey ? [{ AttributeName: table.rangeKey, KeyType: "RANGE" as const }] : []),
        ],
      }),
    );
  }

  const topicArns = new Map<string, string>();
  for (const topic of model.topics) {
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: topic.name }));
    topicArns.set(topic.address, TopicArn!);
  }

  const queues = new Map<string, { url: string; arn: string }>();
  for (const queue of model.queues) {
    queues.set(queue.address, await createQueue(clients.sqs, queue.name));
  }

  return { topicArns, queues };
}

/** Creates one SQS queue and reads back its URL and ARN. */
export async function createQueue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );

  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}
