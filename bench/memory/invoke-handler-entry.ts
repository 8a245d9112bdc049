/**
 * Bundled by the memory bench into a plain script that a fresh Node process
 * runs under GNU time, as one cold Lambda invocation: it loads the built
 * processor bundle and hands it one S3 event for an object already stored
 * in the emulator, so download, probe, thumbnail, upload, job record and
 * message all happen as in Lambda.
 * Usage: node invoke-handler.js <index.js> <bucket> <key> <size>
 * The handler logs on stdout; the last line is `RESULT <json>`.
 */
import { randomUUID } from "node:crypto";

type Handler = (event: unknown, context: unknown) => Promise<{ counts: Record<string, number> }>;

async function main(): Promise<void> {
  const [bundle, bucket, key, size] = process.argv.slice(2);
  const started = performance.now();
  // The bundle path is only known at run time, as the Lambda runtime only knows it then.
  const { handler } = require(bundle) as { handler: Handler };
  const initMs = performance.now() - started;
  const event = {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: process.env.AWS_REGION,
        eventTime: new Date().toISOString(),
        eventName: "ObjectCreated:Put",
        s3: {
          s3SchemaVersion: "1.0",
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key, size: Number(size), sequencer: Date.now().toString(16).toUpperCase() },
        },
      },
    ],
  };
  const deadline = Date.now() + 30_000;
  const context = {
    functionName: "bench-image-processor",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:ap-south-1:000000000000:function:bench-image-processor",
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/bench-image-processor",
    logStreamName: `bench/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const invokeStarted = performance.now();
  const summary = await handler(event, context);
  const invokeMs = performance.now() - invokeStarted;
  process.stdout.write(`RESULT ${JSON.stringify({ counts: summary.counts, initMs, invokeMs })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
