/**
 * `npm run verify [-- options]`: checks a deployed pipeline end to end, the
 * way an evaluator does, and removes what it created. See `--help` and
 * help/self-test.md.
 */
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { loadConfig } from "../stacks/config";
import { StackError } from "../stacks/errors";
import { parseFlags, runCli, UsageError } from "./lib/cli-args";
import { formatCheck, verifyStack } from "./lib/verify-checks";
import { loadVerifyTarget, localSdkEnvironment, VerifyTargetError } from "./lib/verify-target";

const ROOT = join(__dirname, "..");

const USAGE = `Usage: npm run verify -- [options]

Uploads a test image and a file that is not an image to the uploads bucket,
waits for the thumbnail (and reads it without credentials), the job records
and the analytics documents, prints one line per check, removes what it
created, and exits 1 if any check failed.

Which stack (one of):
  (default)              data.json at the repository root
  --data-json FILE       another data.json
  --outputs FILE         \`terraform output -json\` or a cdktf outputs file
  --local FILE           <out>/run/local-endpoints.json of \`npm start -- --keep-running\`

Options:
  --timeout SECONDS      how long each wait lasts (default 60)
  --analytics-prefix P   ANALYTICS_PREFIX of the stack (default image-events)
  --stage STAGE          stage whose stack to read from a cdktf outputs file
  --keep                 leave the uploads, thumbnail, documents and records
  --help                 this text

AWS credentials come from the usual places (environment, profile, SSO); with
--local, the emulators' keys and endpoints from the file are used instead.`;

runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), {
    "data-json": "value",
    outputs: "value",
    local: "value",
    timeout: "value",
    "analytics-prefix": "value",
    stage: "value",
    keep: "switch",
    help: "switch",
  });
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);

    return;
  }
  const timeout = Number(flags.timeout ?? "60");
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new UsageError(`--timeout needs a positive number of seconds, got "${flags.timeout}"`);
  }
  if (flags.stage !== undefined) process.env.STAGE = flags.stage;
  const explicit = flags.outputs ?? flags.local ?? flags["data-json"];
  const target = loadVerifyTarget(
    {
      dataJson: explicit === undefined ? join(ROOT, "data.json") : flags["data-json"],
      outputs: flags.outputs && resolve(flags.outputs),
      local: flags.local && resolve(flags.local),
    },
    { stackName: loadConfig(process.env).stackName, analyticsPrefix: flags["analytics-prefix"] }
  );

  // The SDK's notice that it will soon need Node 22 is noise in a report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  if (target.local) {
    // Only the emulators' keys may reach the emulators: no profile, no session token.
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    Object.assign(process.env, localSdkEnvironment(target));
  }
  const s3 = new S3Client({ region: target.region });
  const dynamodb = new DynamoDBClient({ region: target.region });
  const documents = DynamoDBDocumentClient.from(dynamodb);

  process.stdout.write(
    `Verifying the pipeline of ${target.source} in ${target.region}` +
      `${target.local ? ` (local mode at ${target.local.endpoints.s3})` : ""}:\n` +
      `  uploads ${target.uploadsBucket}, thumbnails ${target.thumbnailsBucket}, ` +
      `analytics ${target.analyticsBucket}/${target.analyticsPrefix}/, table ${target.jobsTable}\n`
  );
  try {
    const results = await verifyStack(
      target,
      { s3, documents, fetch },
      {
        timeoutMs: timeout * 1000,
        keep: flags.keep === "true",
        onResult: (result) => process.stdout.write(`${formatCheck(result)}\n`),
      }
    );
    const count = (status: string) => results.filter((result) => result.status === status).length;
    process.stdout.write(
      `${count("ok")} passed, ${count("fail")} failed, ${count("skip")} skipped\n`
    );
    process.exitCode = count("fail") > 0 ? 1 : 0;
  } finally {
    s3.destroy();
    dynamodb.destroy();
  }
}, [VerifyTargetError, UsageError, StackError]);
