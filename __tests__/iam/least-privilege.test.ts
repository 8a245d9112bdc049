/**
 * Least privilege, simulated with an IAM policy simulator on the roles of
 * the synthesized stack. What the functions really call comes from a
 * local-mode run through the call proxy (fixtures/iam-calls/recorded-calls.json),
 * checked against a fresh recording, so a new SDK call without its
 * permission fails here. Run with UPDATE_IAM_FIXTURE=1 to rewrite the fixture.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { RecordedCall } from "../../local/faults/call-fixture";
import { decide } from "./support/simulate";
import { StageModel } from "./support/stage-model";

const ROOT = resolve(__dirname, "..", "..");
const FIXTURE = join(ROOT, "__tests__", "fixtures", "iam-calls", "recorded-calls.json");

const PROCESSOR = "image-processor/function";
const LOGGER = "analytics-logger/function";
const INSTRUCTOR = "instructor/user";

/** A request that must be denied: who, what, and on which resource of the stage. */
interface Probe {
  readonly who: string;
  readonly action: string;
  readonly resource: (stage: StageModel) => string;
  readonly why: string;
}

const object =
  (bucket: string, key = "photos/a.jpg") =>
  (stage: StageModel) =>
    stage.objectArn(`${bucket}/bucket`, key);
const arnOf = (path: string) => (stage: StageModel) => stage.arn(path);
const elsewhere = (service: string, suffix: string) => (stage: StageModel) =>
  `arn:aws:${service}:${stage.region}:111122223333:${suffix}`;

const PROBES: readonly Probe[] = [
  {
    who: PROCESSOR,
    action: "s3:PutObject",
    resource: object("uploads"),
    why: "writing uploads would loop (I6)",
  },
  {
    who: PROCESSOR,
    action: "s3:PutObject",
    resource: object("analytics", "image-events/x.json"),
    why: "the logger's data",
  },
  {
    who: PROCESSOR,
    action: "s3:GetObject",
    resource: object("analytics", "image-events/x.json"),
    why: "reading analytics",
  },
  {
    who: PROCESSOR,
    action: "s3:DeleteObject",
    resource: object("uploads"),
    why: "deleting uploads",
  },
  {
    who: PROCESSOR,
    action: "s3:DeleteObject",
    resource: object("thumbnails"),
    why: "deleting thumbnails",
  },
  {
    who: PROCESSOR,
    action: "s3:DeleteObjectVersion",
    resource: object("uploads"),
    why: "deleting versions",
  },
  {
    who: PROCESSOR,
    action: "s3:ListBucket",
    resource: arnOf("uploads/bucket"),
    why: "listing uploads",
  },
  {
    who: PROCESSOR,
    action: "s3:PutObjectAcl",
    resource: object("thumbnails"),
    why: "changing ACLs",
  },
  {
    who: PROCESSOR,
    action: "s3:PutBucketPolicy",
    resource: arnOf("thumbnails/bucket"),
    why: "changing bucket policy",
  },
  {
    who: PROCESSOR,
    action: "dynamodb:DeleteItem",
    resource: arnOf("jobs/table"),
    why: "deleting jobs",
  },
  {
    who: PROCESSOR,
    action: "dynamodb:Scan",
    resource: arnOf("jobs/table"),
    why: "reading all jobs",
  },
  {
    who: PROCESSOR,
    action: "dynamodb:DeleteTable",
    resource: arnOf("jobs/table"),
    why: "deleting the table",
  },
  {
    who: PROCESSOR,
    action: "dynamodb:PutItem",
    resource: elsewhere("dynamodb", "table/other"),
    why: "another table",
  },
  {
    who: PROCESSOR,
    action: "sns:Publish",
    resource: elsewhere("sns", "other-topic"),
    why: "another topic",
  },
  { who: PROCESSOR, action: "sns:Subscribe", resource: arnOf("events/topic"), why: "subscribing" },
  {
    who: PROCESSOR,
    action: "sns:DeleteTopic",
    resource: arnOf("events/topic"),
    why: "deleting the topic",
  },
  {
    who: PROCESSOR,
    action: "sqs:SendMessage",
    resource: arnOf("analytics-logger/failure-queue"),
    why: "the other DLQ",
  },
  {
    who: PROCESSOR,
    action: "sqs:ReceiveMessage",
    resource: arnOf("image-processor/failure-queue"),
    why: "reading its DLQ",
  },
  {
    who: PROCESSOR,
    action: "lambda:InvokeFunction",
    resource: arnOf(LOGGER),
    why: "invoking the logger",
  },
  {
    who: PROCESSOR,
    action: "logs:PutLogEvents",
    resource: (s) => `${s.arn("analytics-logger/log-group")}:log-stream:x`,
    why: "the logger's logs",
  },
  {
    who: PROCESSOR,
    action: "iam:PassRole",
    resource: arnOf("analytics-logger/execution/role"),
    why: "touching IAM",
  },
  {
    who: PROCESSOR,
    action: "iam:PutRolePolicy",
    resource: arnOf("image-processor/execution/role"),
    why: "raising its own rights",
  },
  {
    who: PROCESSOR,
    action: "sts:AssumeRole",
    resource: arnOf("analytics-logger/execution/role"),
    why: "becoming the logger",
  },
  {
    who: LOGGER,
    action: "sns:Publish",
    resource: arnOf("events/topic"),
    why: "the logger publishing",
  },
  {
    who: LOGGER,
    action: "s3:GetObject",
    resource: object("uploads"),
    why: "the logger reading uploads",
  },
  {
    who: LOGGER,
    action: "s3:PutObject",
    resource: object("uploads"),
    why: "the logger writing uploads",
  },
  {
    who: LOGGER,
    action: "s3:PutObject",
    resource: object("thumbnails"),
    why: "the logger writing thumbnails",
  },
  {
    who: LOGGER,
    action: "s3:GetObject",
    resource: object("analytics", "image-events/x.json"),
    why: "reading analytics back",
  },
  {
    who: LOGGER,
    action: "s3:DeleteObject",
    resource: object("analytics", "image-events/x.json"),
    why: "deleting analytics",
  },
  { who: LOGGER, action: "dynamodb:GetItem", resource: arnOf("jobs/table"), why: "reading jobs" },
  { who: LOGGER, action: "dynamodb:PutItem", resource: arnOf("jobs/table"), why: "writing jobs" },
  {
    who: LOGGER,
    action: "iam:CreateUser",
    resource: () => "arn:aws:iam::111122223333:user/x",
    why: "touching IAM",
  },
  {
    who: LOGGER,
    action: "iam:AttachRolePolicy",
    resource: arnOf("analytics-logger/execution/role"),
    why: "raising its own rights",
  },
  {
    who: LOGGER,
    action: "lambda:UpdateFunctionCode",
    resource: arnOf(PROCESSOR),
    why: "replacing code",
  },
  {
    who: INSTRUCTOR,
    action: "s3:PutObject",
    resource: object("uploads"),
    why: "the instructor writing",
  },
  {
    who: INSTRUCTOR,
    action: "s3:DeleteObject",
    resource: object("thumbnails"),
    why: "the instructor deleting",
  },
  {
    who: INSTRUCTOR,
    action: "dynamodb:PutItem",
    resource: arnOf("jobs/table"),
    why: "the instructor writing jobs",
  },
  {
    who: INSTRUCTOR,
    action: "sns:Publish",
    resource: arnOf("events/topic"),
    why: "the instructor publishing",
  },
  {
    who: INSTRUCTOR,
    action: "lambda:InvokeFunction",
    resource: arnOf(PROCESSOR),
    why: "the instructor invoking",
  },
  {
    who: INSTRUCTOR,
    action: "lambda:UpdateFunctionCode",
    resource: arnOf(PROCESSOR),
    why: "the instructor deploying",
  },
  {
    who: INSTRUCTOR,
    action: "iam:CreateAccessKey",
    resource: arnOf(INSTRUCTOR),
    why: "the instructor making keys",
  },
  { who: INSTRUCTOR, action: "iam:ListUsers", resource: () => "*", why: "touching IAM" },
  {
    who: PROCESSOR,
    action: "s3:PutObject",
    resource: object("access-logs", "uploads/forged"),
    why: "forging access logs",
  },
  {
    who: LOGGER,
    action: "s3:DeleteObject",
    resource: object("access-logs", "analytics/x"),
    why: "erasing access logs",
  },
  {
    who: INSTRUCTOR,
    action: "s3:DeleteObject",
    resource: object("access-logs", "thumbnails/x"),
    why: "the instructor erasing access logs",
  },
];

function recordAfresh(out: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "local/faults/record-calls.ts", out],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true", CHECKPOINT_DISABLE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", fail);
    child.on("close", (code) =>
      code === 0 ? done() : fail(new Error(`recording failed (${code}):\n${output}`)),
    );
  });
}

describe("calls the handlers really make", () => {
  let fresh: RecordedCall[];
  const committed = JSON.parse(readFileSync(FIXTURE, "utf8")) as RecordedCall[];

  beforeAll(async () => {
    const out = join(mkdtempSync(join(tmpdir(), "iam-calls-")), "calls.json");
    await recordAfresh(out);
    fresh = JSON.parse(readFileSync(out, "utf8")) as RecordedCall[];
    if (process.env.UPDATE_IAM_FIXTURE === "1")
      writeFileSync(FIXTURE, `${JSON.stringify(fresh, null, 2)}\n`);
  }, 120_000);

  it("match the committed recording (UPDATE_IAM_FIXTURE=1 rewrites it)", () => {
    // Assert
    expect(fresh).toEqual(committed);
  });

  it("stay within the stack's own resources", () => {
    // Assert
    for (const call of fresh) expect(call.resource).toMatch(/^[a-z-]+\/[a-z-]+$/);
    expect(new Set(fresh.map((call) => call.function))).toEqual(new Set([PROCESSOR, LOGGER]));
  });
});

describe.each(["dev", "local"])("IAM simulation on the %s stage", (stageName) => {
  const stage = new StageModel(stageName);
  const recorded = JSON.parse(readFileSync(FIXTURE, "utf8")) as RecordedCall[];

  it.each(
    recorded.map(
      (call) =>
        [`${call.function} ${call.action} ${call.resource} ${call.object ?? ""}`, call] as const,
    ),
  )("allows the recorded call %s", async (_, call) => {
    // Arrange
    const resource =
      call.object === undefined
        ? stage.arn(call.resource)
        : stage.objectArn(call.resource, call.object);

    // Act
    const decision = await decide(
      stage.principal(call.function),
      call.action,
      resource,
      stage.bucketPolicy(resource),
    );

    // Assert
    expect(decision).toBe("Allowed");
  });

  it("lets the instructor read through its group's policy, having none of its own", async () => {
    // Arrange
    const instructor = stage.principal(INSTRUCTOR);
    const reads = [
      { action: "s3:GetObject", resource: object("thumbnails")(stage) },
      { action: "s3:ListBucket", resource: stage.arn("analytics/bucket") },
      { action: "dynamodb:Scan", resource: stage.arn("jobs/table") },
      { action: "logs:FilterLogEvents", resource: stage.arn("image-processor/log-group") },
    ];

    // Act
    const decisions = await Promise.all(
      reads.map(({ action, resource }) =>
        decide(instructor, action, resource, stage.bucketPolicy(resource)),
      ),
    );

    // Assert
    const user = stage.at(INSTRUCTOR);
    expect(stage.stack.referencing("aws_iam_user_policy", "user", user)).toEqual([]);
    expect(decisions).toEqual(reads.map(() => "Allowed"));
  });

  it(`denies all ${PROBES.length} probes of what no one here may do`, async () => {
    // Act
    const decisions = await Promise.all(
      PROBES.map(async (probe) => {
        const resource = probe.resource(stage);
        const decision = await decide(
          stage.principal(probe.who),
          probe.action,
          resource,
          stage.bucketPolicy(resource),
        );

        return { probe: `${probe.who} ${probe.action} (${probe.why})`, decision };
      }),
    );

    // Assert
    expect(PROBES.length).toBeGreaterThanOrEqual(30);
    expect(decisions.filter((d) => d.decision === "Allowed")).toEqual([]);
    console.log(`${stageName}: ${decisions.length} probes denied`);
  });
});
