import { randomBytes } from "node:crypto";

import type { AwsService } from "./aws-call";

/** An error answer as the real service would send it. */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The error code the SDK will report, e.g. `SlowDown`. */
  readonly code: string;
}

/** The error kinds that are answered rather than done to the connection. */
export type AnsweredFault = "throttle" | "server-error";

function requestId(): string {
  return randomBytes(8).toString("hex").toUpperCase();
}

function s3Error(status: number, code: string, message: string): ErrorResponse {
  const id = requestId();

  return {
    status,
    code,
    headers: { "content-type": "application/xml", "x-amz-request-id": id },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${id}</RequestId></Error>`,
  };
}

function jsonError(
  status: number,
  namespace: string,
  code: string,
  message: string,
): ErrorResponse {
  const id = requestId();

  return {
    status,
    code,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": id,
      "x-amzn-errortype": code,
    },
    body: JSON.stringify({ __type: `${namespace}#${code}`, message }),
  };
}

function queryError(
  status: number,
  type: "Sender" | "Receiver",
  code: string,
  message: string,
): ErrorResponse {
  const id = requestId();

  return {
    status,
    code,
    headers: { "content-type": "text/xml", "x-amzn-requestid": id },
    body:
      '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">' +
      `<Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
      `<RequestId>${id}</RequestId></ErrorResponse>`,
  };
}

const DYNAMODB = "com.amazonaws.dynamodb.v20120810";

/**
 * The answer a service gives when it throttles or fails internally, in its
 * own protocol: S3 XML, DynamoDB and SQS JSON, SNS query XML. `variant`
 * picks one of the two throttling errors of DynamoDB (ThrottlingException,
 * ProvisionedThroughputExceededException) and of SNS (400 Throttling, 429 Throttled).
 */
export function errorResponse(
  service: AwsService,
  fault: AnsweredFault,
  variant = 0,
): ErrorResponse {
  const throttle = fault === "throttle";
  switch (service) {
    case "s3":
      return throttle
        ? s3Error(503, "SlowDown", "Please reduce your request rate.")
        : s3Error(500, "InternalError", "We encountered an internal error. Please try again.");
    case "dynamodb":
      if (!throttle)
        return jsonError(500, DYNAMODB, "InternalServerError", "Internal server error");

      return variant === 0
        ? jsonError(
            400,
            DYNAMODB,
            "ThrottlingException",
            "Rate of requests exceeds the allowed throughput.",
          )
        : jsonError(
            400,
            DYNAMODB,
            "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded.",
          );
    case "sns":
      if (!throttle)
        return queryError(500, "Receiver", "InternalError", "An internal error occurred.");

      return variant === 0
        ? queryError(400, "Sender", "Throttling", "Rate exceeded")
        : queryError(429, "Sender", "Throttled", "Rate exceeded");
    case "sqs":
      return throttle
        ? jsonError(400, "com.amazonaws.sqs", "ThrottlingException", "Rate exceeded")
        : jsonError(500, "com.amazonaws.sqs", "InternalError", "An internal error occurred.");
  }
}
