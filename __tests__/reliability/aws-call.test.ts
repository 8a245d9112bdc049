import { describeAwsCall, RawRequest, serviceOf } from "../../local/faults/aws-call";

const CONTEXT = { region: "us-east-1", accountId: "000000000000" };

function signed(
  service: string,
  request: Omit<RawRequest, "headers"> & { headers?: RawRequest["headers"] },
): RawRequest {
  return {
    ...request,
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=S3RVER/20261204/ap-south-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
      ...request.headers,
    },
  };
}

describe("describeAwsCall", () => {
  it("reads an S3 GetObject from the method and the path-style path, key decoded", () => {
    // Arrange
    const request = signed("s3", {
      method: "GET",
      url: "/uploads-bucket/photos/summer%20trip/a%2Bb.jpg?x-id=GetObject",
      body: Buffer.alloc(0),
    });

    // Act
    const [call] = describeAwsCall(request, CONTEXT);

    // Assert
    expect(call).toEqual({
      service: "s3",
      operation: "GetObject",
      action: "s3:GetObject",
      resource: "arn:aws:s3:::uploads-bucket/photos/summer trip/a+b.jpg",
    });
  });

  it("names the IAM action of S3 operations that IAM spells differently", () => {
    // Arrange
    const cases: [string, string, Record<string, string>, string][] = [
      ["HEAD", "/b/k", {}, "s3:GetObject"],
      ["GET", "/b/k?versionId=3", {}, "s3:GetObjectVersion"],
      ["POST", "/b/k?uploads", {}, "s3:PutObject"],
      ["PUT", "/b/k?partNumber=1&uploadId=u", {}, "s3:PutObject"],
      ["DELETE", "/b/k?uploadId=u", {}, "s3:AbortMultipartUpload"],
      ["PUT", "/b/k", { "x-amz-copy-source": "/a/k" }, "s3:PutObject"],
      ["PUT", "/b/k?tagging", {}, "s3:PutObjectTagging"],
      ["DELETE", "/b/k", {}, "s3:DeleteObject"],
      ["GET", "/b?list-type=2", {}, "s3:ListBucket"],
      ["POST", "/b?delete", {}, "s3:DeleteObject"],
      ["PUT", "/b?policy", {}, "s3:PutBucketPolicy"],
    ];

    // Act
    const actions = cases.map(
      ([method, url, headers]) =>
        describeAwsCall(signed("s3", { method, url, headers, body: Buffer.alloc(0) }), CONTEXT)[0]
          .action,
    );

    // Assert
    expect(actions).toEqual(cases.map((c) => c[3]));
  });

  it("reads a DynamoDB call from X-Amz-Target and TableName, with the item key", () => {
    // Arrange
    const request = signed("dynamodb", {
      method: "POST",
      url: "/",
      headers: { "x-amz-target": "DynamoDB_20120810.UpdateItem" },
      body: Buffer.from(JSON.stringify({ TableName: "jobs", Key: { jobId: { S: "job-1" } } })),
    });

    // Act
    const [call] = describeAwsCall(request, CONTEXT);

    // Assert
    expect(call).toEqual({
      service: "dynamodb",
      operation: "UpdateItem",
      action: "dynamodb:UpdateItem",
      resource: "arn:aws:dynamodb:ap-south-1:000000000000:table/jobs",
      item: '{"jobId":{"S":"job-1"}}',
    });
  });

  it("describes a batch write as one call per table", () => {
    // Arrange
    const request = signed("dynamodb", {
      method: "POST",
      url: "/",
      headers: { "x-amz-target": "DynamoDB_20120810.BatchWriteItem" },
      body: Buffer.from(JSON.stringify({ RequestItems: { a: [], b: [] } })),
    });

    // Act
    const resources = describeAwsCall(request, CONTEXT).map((call) => call.resource);

    // Assert
    expect(resources).toEqual([
      "arn:aws:dynamodb:ap-south-1:000000000000:table/a",
      "arn:aws:dynamodb:ap-south-1:000000000000:table/b",
    ]);
  });

  it("reads an SNS Publish from the form body, with the job id of its message", () => {
    // Arrange
    const form = new URLSearchParams({
      Action: "Publish",
      Version: "2010-03-31",
      TopicArn: "arn:aws:sns:ap-south-1:000000000000:events",
      Message: JSON.stringify({ jobId: "job-7", status: "SUCCEEDED" }),
    });
    const request = signed("sns", { method: "POST", url: "/", body: Buffer.from(form.toString()) });

    // Act
    const [call] = describeAwsCall(request, CONTEXT);

    // Assert
    expect(call).toEqual({
      service: "sns",
      operation: "Publish",
      action: "sns:Publish",
      resource: "arn:aws:sns:ap-south-1:000000000000:events",
      item: "job-7",
    });
  });

  it("reads an SQS call in the JSON protocol from its queue URL", () => {
    // Arrange
    const request = signed("sqs", {
      method: "POST",
      url: "/",
      headers: { "x-amz-target": "AmazonSQS.SendMessage" },
      body: Buffer.from(JSON.stringify({ QueueUrl: "http://localhost:1/000000000000/failures" })),
    });

    // Act
    const [call] = describeAwsCall(request, CONTEXT);

    // Assert
    expect(call.action).toBe("sqs:SendMessage");
    expect(call.resource).toBe("arn:aws:sqs:ap-south-1:000000000000:failures");
  });

  it("recognises no service in an unsigned request without protocol headers", () => {
    // Arrange
    const request: RawRequest = { method: "GET", url: "/", headers: {}, body: Buffer.alloc(0) };

    // Act
    const calls = describeAwsCall(request, CONTEXT);

    // Assert
    expect(serviceOf(request)).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
