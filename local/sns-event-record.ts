import { randomUUID } from "node:crypto";

/** The JSON envelope SNS delivers to an SQS subscriber (raw delivery off). */
export interface SnsEnvelope {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly SignatureVersion?: string;
  readonly Signature?: string;
  readonly SigningCertURL?: string;
  readonly UnsubscribeURL?: string;
  readonly MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/**
 * Turns the envelope SNS puts on a queue into the event SNS sends a Lambda
 * subscriber: one record, with Lambda's spelling of the URL fields.
 */
export function snsLambdaEvent(envelope: SnsEnvelope, subscriptionId: string = randomUUID()): {
  Records: unknown[];
} {
  if (typeof envelope.MessageId !== "string" || typeof envelope.TopicArn !== "string") {
    throw new Error("not an SNS notification envelope: MessageId or TopicArn missing");
  }

  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${envelope.TopicArn}:${subscriptionId}`,
        Sns: {
          Type: envelope.Type,
          MessageId: envelope.MessageId,
          TopicArn: envelope.TopicArn,
          Subject: envelope.Subject ?? null,
          Message: envelope.Message,
          Timestamp: envelope.Timestamp,
          SignatureVersion: envelope.SignatureVersion ?? "1",
          Signature: envelope.Signature ?? "",
          SigningCertUrl: envelope.SigningCertURL ?? "",
          UnsubscribeUrl: envelope.UnsubscribeURL ?? "",
          MessageAttributes: envelope.MessageAttributes ?? {},
        },
      },
    ],
  };
}
