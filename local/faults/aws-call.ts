/** The AWS services a function reaches through its proxy. */
export type AwsService = "s3" | "dynamodb" | "sns" | "sqs";

/** One AWS API call as IAM sees it: the action it authorizes and the resource it acts on. */
export interface AwsCall {
  readonly service: AwsService;
  /** The API operation, e.g. `GetObject` or `UpdateItem`. */
  readonly operation: string;
  /** The IAM action that authorizes it, e.g. `s3:GetObject`. */
  readonly action: string;
  /** The ARN of the resource, or `*` when the call names none. */
  readonly resource: string;
  /** What identifies the item inside the resource (DynamoDB key, SNS message job id). */
  readonly item?: string;
}

/** An HTTP request as the proxy received it, body complete. */
export interface RawRequest {
  readonly method: string;
  /** Path and query string, as on the request line. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * Where the emulated resources live, for building their ARNs: the account,
 * and the region used when a request's signature names none.
 */
export interface ArnContext {
  readonly region: string;
  readonly accountId: string;
}

function header(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];

  return Array.isArray(value) ? value[0] : value;
}

/** Region and service named by the credential scope of a SigV4-signed request. */
function credentialScope(request: RawRequest): { region: string; service: string } | undefined {
  const match = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(
    header(request, "authorization") ?? "",
  );

  return match ? { region: match[1], service: match[2] } : undefined;
}

/**
 * The service a request is for, from the credential scope of its SigV4
 * signature (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`); an unsigned
 * request falls back on its protocol headers.
 */
export function serviceOf(request: RawRequest): AwsService | undefined {
  const named = credentialScope(request)?.service;
  if (named === "s3" || named === "dynamodb" || named === "sns" || named === "sqs") return named;
  const target = header(request, "x-amz-target") ?? "";
  if (target.startsWith("DynamoDB_")) return "dynamodb";
  if (target.startsWith("AmazonSQS.")) return "sqs";

  return undefined;
}

/**
 * Describes a request as the AWS calls it makes: one, or one per table of a
 * DynamoDB batch; none when the request is for no service the proxy knows.
 */
export function describeAwsCall(request: RawRequest, defaults: ArnContext): AwsCall[] {
  const context = { ...defaults, region: credentialScope(request)?.region ?? defaults.region };
  switch (serviceOf(request)) {
    case "s3":
      return [describeS3(request)];
    case "dynamodb":
      return describeDynamoDb(request, context);
    case "sns":
      return [describeSns(request, context)];
    case "sqs":
      return [describeSqs(request, context)];
    default:
      return [];
  }
}

const S3_OBJECT_SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  tagging: { GET: "GetObjectTagging", PUT: "PutObjectTagging", DELETE: "DeleteObjectTagging" },
  acl: { GET: "GetObjectAcl", PUT: "PutObjectAcl" },
  retention: { GET: "GetObjectRetention", PUT: "PutObjectRetention" },
  "legal-hold": { GET: "GetObjectLegalHold", PUT: "PutObjectLegalHold" },
  restore: { POST: "RestoreObject" },
  attributes: { GET: "GetObjectAttributes" },
};

/** S3 operations whose IAM action has another name. */
const S3_ACTION_OF: Readonly<Record<string, string>> = {
  HeadObject: "GetObject",
  CopyObject: "PutObject",
  CreateMultipartUpload: "PutObject",
  UploadPart: "PutObject",
  CompleteMultipartUpload: "PutObject",
  ListParts: "ListMultipartUploadParts",
  HeadBucket: "ListBucket",
  ListObjects: "ListBucket",
  ListObjectsV2: "ListBucket",
  ListObjectVersions: "ListBucketVersions",
  DeleteObjects: "DeleteObject",
};

function s3ObjectOperation(method: string, query: URLSearchParams, request: RawRequest): string {
  for (const [name, byMethod] of Object.entries(S3_OBJECT_SUBRESOURCES)) {
    if (query.has(name)) return byMethod[method] ?? `Unknown(${method} ?${name})`;
  }
  if (query.has("uploadId")) {
    const byMethod: Record<string, string> = {
      PUT: "UploadPart",
      POST: "CompleteMultipartUpload",
      DELETE: "AbortMultipartUpload",
      GET: "ListParts",
    };

    return byMethod[method] ?? `Unknown(${method} ?uploadId)`;
  }
  if (method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (method === "PUT") return header(request, "x-amz-copy-source") ? "CopyObject" : "PutObject";
  const plain: Record<string, string> = {
    GET: "GetObject",
    HEAD: "HeadObject",
    DELETE: "DeleteObject",
  };

  return plain[method] ?? `Unknown(${method})`;
}

function s3BucketOperation(method: string, query: URLSearchParams): string {
  const bySubresource: [string, Record<string, string>][] = [
    ["versions", { GET: "ListObjectVersions" }],
    ["uploads", { GET: "ListMultipartUploads" }],
    ["delete", { POST: "DeleteObjects" }],
    ["policy", { GET: "GetBucketPolicy", PUT: "PutBucketPolicy", DELETE: "DeleteBucketPolicy" }],
    ["acl", { GET: "GetBucketAcl", PUT: "PutBucketAcl" }],
    ["location", { GET: "GetBucketLocation" }],
    ["versioning", { GET: "GetBucketVersioning", PUT: "PutBucketVersioning" }],
    ["notification", { GET: "GetBucketNotification", PUT: "PutBucketNotification" }],
  ];
  for (const [name, byMethod] of bySubresource) {
    if (query.has(name)) return byMethod[method] ?? `Unknown(${method} ?${name})`;
  }
  const plain: Record<string, string> = {
    GET: query.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects",
    HEAD: "HeadBucket",
    PUT: "CreateBucket",
    DELETE: "DeleteBucket",
  };

  return plain[method] ?? `Unknown(${method})`;
}

/** S3 by method, path-style path and query (the SDK uses path style for an IP endpoint). */
function describeS3(request: RawRequest): AwsCall {
  const url = new URL(request.url, "http://proxy.invalid");
  const [bucket = "", ...keyParts] = url.pathname.replace(/^\//, "").split("/");
  const key = keyParts.map((part) => decodeURIComponent(part)).join("/");
  const method = request.method.toUpperCase();
  const operation =
    keyParts.length > 0 && key !== ""
      ? s3ObjectOperation(method, url.searchParams, request)
      : s3BucketOperation(method, url.searchParams);
  const iamName = S3_ACTION_OF[operation] ?? operation;
  // Reading a named version is authorized by its own action.
  const action =
    iamName === "GetObject" && url.searchParams.has("versionId")
      ? "s3:GetObjectVersion"
      : `s3:${iamName}`;
  const resource =
    bucket === ""
      ? "*"
      : `arn:aws:s3:::${bucket}${keyParts.length > 0 && key !== "" ? `/${key}` : ""}`;

  return { service: "s3", operation, action, resource };
}

function jsonBody(request: RawRequest): Record<string, unknown> {
  try {
    const parsed = JSON.parse(request.body.toString("utf8")) as unknown;

    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Table names an operation acts on: its TableName, or the tables of a batch or transaction. */
function dynamoTables(body: Record<string, unknown>): string[] {
  if (typeof body.TableName === "string") return [body.TableName];
  if (typeof body.RequestItems === "object" && body.RequestItems !== null) {
    return Object.keys(body.RequestItems);
  }
  if (Array.isArray(body.TransactItems)) {
    const names = body.TransactItems.flatMap((item) =>
      Object.values(item as Record<string, { TableName?: unknown }>).map((op) => op?.TableName),
    );

    return [...new Set(names.filter((name): name is string => typeof name === "string"))];
  }

  return [];
}

/** DynamoDB by its X-Amz-Target operation and the TableName of its JSON body. */
function describeDynamoDb(request: RawRequest, context: ArnContext): AwsCall[] {
  const target = header(request, "x-amz-target") ?? "";
  const operation = target.split(".")[1] ?? "Unknown";
  const body = jsonBody(request);
  const item = body.Key === undefined ? undefined : JSON.stringify(body.Key);
  const tables = dynamoTables(body);
  const arn = (table: string) =>
    `arn:aws:dynamodb:${context.region}:${context.accountId}:table/${table}`;
  const base = { service: "dynamodb" as const, operation, action: `dynamodb:${operation}` };

  return tables.length === 0
    ? [{ ...base, resource: "*" }]
    : tables.map((table) => ({ ...base, resource: arn(table), item }));
}

function formBody(request: RawRequest): URLSearchParams {
  return new URLSearchParams(request.body.toString("utf8"));
}

/** The job a published pipeline message speaks of, when the message is one. */
function messageJobId(message: string | null): string | undefined {
  if (!message) return undefined;
  try {
    const parsed = JSON.parse(message) as { jobId?: unknown };

    return typeof parsed.jobId === "string" ? parsed.jobId : undefined;
  } catch {
    return undefined;
  }
}

/** SNS (query protocol): Action and TopicArn (or TargetArn) from the form body. */
function describeSns(request: RawRequest, context: ArnContext): AwsCall {
  const form = formBody(request);
  const operation = form.get("Action") ?? "Unknown";
  const name = form.get("Name");
  const resource =
    form.get("TopicArn") ??
    form.get("TargetArn") ??
    form.get("ResourceArn") ??
    (operation === "CreateTopic" && name
      ? `arn:aws:sns:${context.region}:${context.accountId}:${name}`
      : "*");

  return {
    service: "sns",
    operation,
    action: `sns:${operation}`,
    resource,
    item: messageJobId(form.get("Message")),
  };
}

/** SQS in either protocol: JSON (X-Amz-Target, QueueUrl) or query (Action, QueueUrl). */
function describeSqs(request: RawRequest, context: ArnContext): AwsCall {
  const target = header(request, "x-amz-target");
  let operation: string;
  let queueUrl: unknown;
  let queueName: unknown;
  if (target) {
    const body = jsonBody(request);
    operation = target.split(".")[1] ?? "Unknown";
    queueUrl = body.QueueUrl;
    queueName = body.QueueName;
  } else {
    const form = formBody(request);
    operation = form.get("Action") ?? "Unknown";
    queueUrl = form.get("QueueUrl");
    queueName = form.get("QueueName");
  }
  const name =
    typeof queueUrl === "string"
      ? queueUrl.split("/").pop()
      : typeof queueName === "string"
      ? queueName
      : undefined;

  return {
    service: "sqs",
    operation,
    action: `sqs:${operation}`,
    resource: name ? `arn:aws:sqs:${context.region}:${context.accountId}:${name}` : "*",
  };
}
