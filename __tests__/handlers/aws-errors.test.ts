import { classifyAwsError, describeError } from "../../handlers/lib/aws-errors";
import { awsError } from "./support/pipeline-harness";

describe("classifyAwsError", () => {
  it.each([
    ["throttling", awsError("ThrottlingException", 400)],
    ["DynamoDB capacity", awsError("ProvisionedThroughputExceededException", 400)],
    ["S3 slow down", awsError("SlowDown", 503)],
    ["a 500", awsError("InternalError", 500)],
    ["an unnamed 502", awsError("Error", 502)],
    ["a 429", awsError("TooManyRequests", 429)],
    ["an SDK timeout", Object.assign(new Error("timed out"), { name: "TimeoutError" })],
    ["a reset connection", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    [
      "an SDK-marked retryable error",
      Object.assign(new Error("x"), { $retryable: { throttling: false } }),
    ],
  ])("calls %s transient", (_name, error) => {
    // Arrange, Act, Assert
    expect(classifyAwsError(error)).toBe("transient");
  });

  it.each([
    ["access denied", awsError("AccessDenied", 403), "other"],
    ["a missing bucket", awsError("NoSuchBucket", 404), "other"],
    ["a missing key", awsError("NoSuchKey", 404), "not-found"],
    ["a failed condition", awsError("ConditionalCheckFailedException", 400), "conditional-check"],
    ["a programming error", new TypeError("x is undefined"), "other"],
    ["a thrown string", "boom", "other"],
  ])("calls %s %s", (_name, error, expected) => {
    // Arrange, Act, Assert
    expect(classifyAwsError(error)).toBe(expected);
  });
});

describe("describeError", () => {
  it("keeps the name and the first line only", () => {
    // Arrange
    const error = awsError("SlowDown", 503, "Please reduce your request rate.\nRequest id: 123");

    // Act, Assert
    expect(describeError(error)).toBe("SlowDown: Please reduce your request rate.");
  });
});
