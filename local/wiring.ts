import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { SubscribeCommand } from "@aws-sdk/client-sns";

import { AsyncInvoker, AsyncOutcome, FailureDestination } from "./async-invoker";
import { S3rverEvent } from "./emulators";
import { EmulatorClients, createQueue } from "./provision";
import { buildS3Event, targetWants } from "./s3-event-record";
import { SnsEnvelope, snsLambdaEvent } from "./sns-event-record";
import { StackModel } from "./stack-model";
import { LocalModeConfigError, Reference, interpolate } from "./terraform-json";

/** Resolves `${...}` references in a value taken from the stack. */
export type Resolve = (value: string, where: string) => string;

/** Builds a resolver from an attribute lookup. */
export function resolverFor(lookup: (reference: Reference) => string): Resolve {
  return (value, where) => interpolate(value, lookup, where);
}

/**
 * Checks that a Lambda permission lets `principal` invoke the function from
 * `sourceArn`, as AWS does before it accepts a notification or delivers a
 * message; without one the cloud would never run the function.
 */
export function assertInvokePermission(
  model: StackModel,
  resolve: Resolve,
  functionAddress: string,
  principal: string,
  sourceArn: string,
): void {
  const allowed = model.permissions.some(
    (permission) =>
      permission.functionAddress === functionAddress &&
      permission.principal === principal &&
      permission.sourceArn !== undefined &&
      resolve(permission.sourceArn, `permission of ${functionAddress}`) === sourceArn,
  );
  if (!allowed) {
    throw new LocalModeConfigError(
      `${principal} may not invoke ${functionAddress} from ${sourceArn}: the stack has no ` +
        "aws_lambda_permission with that principal and source_arn, so AWS would refuse the wiring",
    );
  }
}

/** Destination that sends a failed invocation record to an SQS queue. */
export function queueDestination(clients: EmulatorClients, queueUrl: string): FailureDestination {
  return async (record) => {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
  };
}

/** Keeps every delivery that is under way, so a caller can wait for quiet. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();
  readonly outcomes: { source: string; outcome: AsyncOutcome }[] = [];

  track(source: string, work: Promise<AsyncOutcome>): void {
    const tracked = work.then(
      (outcome) => {
        this.outcomes.push({ source, outcome });
      },
      (error: unknown) => {
        const errorMessage = error instanceof Error ? error.message : String(error);
        this.outcomes.push({
          source,
          outcome: { attempts: 0, result: { ok: false, errorType: "Local.DeliveryError", errorMessage }, sentToDestination: false },
        });
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  get size(): number {
    return this.pending.size;
  }
}

/**
 * Routes emulator S3 events to functions exactly as the stack's
 * `aws_s3_bucket_notification` resources say: by bucket, event name and key
 * prefix and suffix, with the event S3 itself would send.
 */
export function routeS3Notifications(
  model: StackModel,
  resolve: Resolve,
  invokers: ReadonlyMap<string, AsyncInvoker>,
  inFlight: InFlight,
): (event: S3rverEvent) => void {
  const bucketName = new Map(model.buckets.map((b) => [b.address, b.name]));
  for (const target of model.notifications) {
    assertInvokePermission(model, resolve, target.functionAddress, "s3.amazonaws.com", `arn:aws:s3:::${bucketName.get(target.bucketAddress)}`);
  }

  return (event) => {
    for (const record of event.Records) {
      const bucket = record.s3.bucket.name;
      const key = record.s3.object.key;
      for (const target of model.notifications) {
        if (bucketName.get(target.bucketAddress) !== bucket) continue;
        if (!targetWants(target, record.eventName, key)) continue;
        const s3Event = buildS3Event(
          { bucket, key, size: record.s3.object.size ?? 0, eTag: record.s3.object.eTag },
          record.eventName,
          model.region,
          target.id ?? "local-notification",
        );
        inFlight.track(`s3://${bucket}/${key}`, invokers.get(target.functionAddress)!.invoke(s3Event));
      }
    }
  };
}

/** A running SNS-to-function delivery loop. */
export interface SnsBridge {
  stop(): Promise<void>;
}

/**
 * Delivers every message published to a topic to its subscribed functions,
 * as the stack's `aws_sns_topic_subscription` resources say. Each
 * subscription is backed by an emulator queue subscribed to the topic; each
 * message becomes one asynchronous invocation carrying SNS's Lambda event.
 */
export async function bridgeSnsSubscriptions(
  model: StackModel,
  resolve: Resolve,
  clients: EmulatorClients,
  invokers: ReadonlyMap<string, AsyncInvoker>,
  inFlight: InFlight,
): Promise<SnsBridge> {
  let running = true;
  const loops: Promise<void>[] = [];

  for (const [index, subscription] of model.subscriptions.entries()) {
    const topicArn = resolve(`\${${subscription.topicAddress}.arn}`, subscription.address);
    assertInvokePermission(model, resolve, subscription.functionAddress, "sns.amazonaws.com", topicArn);
    const queue = await createQueue(clients.sqs, `local-subscription-${index}`);
    await clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queue.arn }));
    const invoker = invokers.get(subscription.functionAddress)!;

    loops.push(
      (async () => {
        while (running) {
          const { Messages = [] } = await clients.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queue.url,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 1,
              VisibilityTimeout: 900,
            }),
          );
          for (const message of Messages) {
            const envelope = JSON.parse(message.Body ?? "{}") as SnsEnvelope;
            const delivery = invoker.invoke(snsLambdaEvent(envelope)).then(async (outcome) => {
              await clients.sqs.send(
                new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }),
              );

              return outcome;
            });
            inFlight.track(`sns:${envelope.MessageId}`, delivery);
          }
        }
      })(),
    );
  }

  return {
    stop: async () => {
      running = false;
      await Promise.allSettled(loops);
    },
  };
}
