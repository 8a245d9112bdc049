/**
 * `npm run verify` against local mode: `npm start -- --keep-running` (run as
 * the e2e test of local mode runs it) leaves the emulators up and writes
 * run/local-endpoints.json; verify passes against it and removes what it
 * made; after the thumbnails bucket is deleted, so that the processor cannot
 * store a thumbnail, verify fails and exits 1. The child is stopped by its
 * PID with SIGINT.
 */
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import sharp from "sharp";

import type { LocalEndpointsFile } from "../../local/endpoints-file";
import { localStackJson } from "../support/local-stack";

const ROOT = resolve(__dirname, "..", "..");

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runVerify(args: string[]): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/verify.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

async function waitForFile(path: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (!existsSync(path)) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`no ${path} after 240 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm run verify against npm start -- --keep-running", () => {
  const outDir = mkdtempSync(join(tmpdir(), "verify-local-"));
  const endpointsPath = join(outDir, "run", "local-endpoints.json");
  let child: ChildProcess;
  let output = "";
  let endpoints: LocalEndpointsFile;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    const input = join(mkdtempSync(join(tmpdir(), "verify-input-")), "tile.png");
    await sharp({ create: { width: 64, height: 48, channels: 3, background: "#2a6f97" } })
      .png()
      .toFile(input);
    child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "local/main.ts",
        "--keep-running",
        "--stack-json",
        localStackJson(),
        "--out",
        outDir,
        input,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true", CHECKPOINT_DISABLE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      }
    );
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    await waitForFile(endpointsPath, child, () => output);
    endpoints = JSON.parse(readFileSync(endpointsPath, "utf8")) as LocalEndpointsFile;
    const common = { region: endpoints.region, credentials: endpoints.credentials };
    s3 = new S3Client({ ...common, endpoint: endpoints.endpoints.s3, forcePathStyle: true });
    dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.endpoints.dynamodb });
  }, 300_000);

  afterAll(async () => {
    s3?.destroy();
    dynamodb?.destroy();
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("writes the endpoints file with loopback endpoints, its own PID and the stack's outputs", () => {
    // Assert
    expect(endpoints.pid).toBe(child.pid);
    expect(endpoints.endpoints.s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.outputs.uploads_bucket).toBe("activity4-image-pipeline-local-uploads");
    expect(endpoints.credentials).toEqual({ accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });
    expect(output).toContain(`Gallery:`);
    expect(existsSync(join(outDir, "results", "gallery.html"))).toBe(true);
  });

  it("passes every check, one line each, and leaves nothing of its own behind", async () => {
    // Act
    const run = await runVerify(["--local", endpointsPath, "--timeout", "60"]);

    // Assert
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    const checks = run.stdout.split("\n").filter((line) => /^(ok|FAIL|skip) /.test(line));
    expect(checks).toHaveLength(9);
    expect(checks.every((line) => line.startsWith("ok "))).toBe(true);
    expect(run.stdout).toContain("s3rver does not enforce bucket policies");
    expect(run.stdout).toMatch(/\n9 passed, 0 failed, 0 skipped\n$/);
    for (const bucket of [endpoints.outputs.uploads_bucket, endpoints.outputs.thumbnails_bucket]) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "verify/" }));
      expect({ bucket, keys: listed.Contents ?? [] }).toEqual({ bucket, keys: [] });
    }
    const jobs = await dynamodb.send(new ScanCommand({ TableName: endpoints.outputs.jobs_table }));
    const leftovers = (jobs.Items ?? []).filter((item) => item.sourceKey?.S?.startsWith("verify/"));
    expect(leftovers).toEqual([]);
  }, 120_000);

  it("fails with exit 1 when the processor cannot store thumbnails", async () => {
    // Arrange
    const bucket = endpoints.outputs.thumbnails_bucket;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of listed.Contents ?? []) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));

    // Act
    const run = await runVerify(["--local", endpointsPath, "--timeout", "3"]);

    // Assert
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\nFAIL  thumbnail in thumbnails bucket .* last error NoSuchBucket/);
    // Either verify's deadline comes first, or the processor's last attempt
    // has already ended the job FAILED with the reason it gave up.
    expect(run.stdout).toMatch(
      /\nFAIL  job record SUCCEEDED .*(\(last seen: (RETRY_PENDING|PROCESSING)\)|is FAILED, expected SUCCEEDED gave up after 3 attempts: NoSuchBucket)/
    );
    expect(run.stdout).toMatch(/\nok    job record FAILED /);
    expect(run.stdout).toMatch(/\n\d+ passed, [1-9]\d* failed, \d+ skipped\n$/);
  }, 120_000);

  it("stops on SIGINT to its PID and removes the endpoints file", async () => {
    // Act
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    process.kill(endpoints.pid, "SIGINT");
    const code = await exited;

    // Assert
    expect(code).toBe(0);
    expect(existsSync(endpointsPath)).toBe(false);
  }, 60_000);
});
