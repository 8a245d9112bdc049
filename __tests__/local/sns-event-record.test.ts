import { snsLambdaEvent } from "../../local/sns-event-record";

describe("snsLambdaEvent", () => {
  const envelope = {
    Type: "Notification",
    MessageId: "m-1",
    TopicArn: "arn:aws:sns:ap-south-1:000000000000:events",
    Subject: "image-processed",
    Message: '{"jobId":"j"}',
    Timestamp: "2026-11-30T10:15:31.456Z",
    SigningCertURL: "https://example.invalid/cert.pem",
    UnsubscribeURL: "https://example.invalid/unsubscribe",
    MessageAttributes: { status: { Type: "String", Value: "SUCCEEDED" } },
  };

  it("carries the message, its id, timestamp and attributes in one record", () => {
    const { Records } = snsLambdaEvent(envelope, "sub-1") as { Records: any[] };

    expect(Records).toHaveLength(1);
    expect(Records[0].EventSource).toBe("aws:sns");
    expect(Records[0].EventSubscriptionArn).toBe(`${envelope.TopicArn}:sub-1`);
    expect(Records[0].Sns).toMatchObject({
      MessageId: "m-1",
      Message: '{"jobId":"j"}',
      Timestamp: envelope.Timestamp,
      MessageAttributes: envelope.MessageAttributes,
    });
  });

  it("uses Lambda's spelling of the certificate and unsubscribe fields", () => {
    const { Records } = snsLambdaEvent(envelope) as { Records: any[] };

    expect(Records[0].Sns.SigningCertUrl).toBe(envelope.SigningCertURL);
    expect(Records[0].Sns.UnsubscribeUrl).toBe(envelope.UnsubscribeURL);
  });

  it("rejects a body that is not an SNS envelope", () => {
    expect(() => snsLambdaEvent({} as never)).toThrow(/not an SNS notification envelope/);
  });
});
