import { address, allOf, byPath, ref, synthPipeline } from "./synth-helper";

describe("functions", () => {
  const json = synthPipeline();
  const fnOf = (name: string) => byPath(json, "aws_lambda_function", `${name}/function`);
  const names = ["image-processor", "analytics-logger"];

  it("creates exactly the two functions, named after the stack", () => {
    // Act
    const functionNames = allOf(json, "aws_lambda_function").map(
      (found) => found.block.function_name
    );

    // Assert
    expect(functionNames.sort()).toEqual([
      "activity4-image-pipeline-dev-analytics-logger",
      "activity4-image-pipeline-dev-image-processor",
    ]);
  });

  it.each(names)("runs %s on nodejs22.x with handler index.handler on arm64 by default", (name) => {
    // Act
    const { block } = fnOf(name);

    // Assert
    expect(block).toMatchObject({
      runtime: "nodejs22.x",
      handler: "index.handler",
      architectures: ["arm64"],
    });
  });

  it("switches both functions to x86_64 with LAMBDA_ARCH and zips the matching build", () => {
    // Arrange
    const x86 = synthPipeline({ LAMBDA_ARCH: "x86_64" });

    // Act
    const archs = names.map(
      (name) => byPath(x86, "aws_lambda_function", `${name}/function`).block.architectures
    );
    const dirs = names.map(
      (name) => byPath(x86, "data.archive_file", `${name}/code`).block.source_dir
    );

    // Assert
    expect(archs).toEqual([["x86_64"], ["x86_64"]]);
    expect(dirs).toEqual(names.map((name) => `\${path.module}/../../../dist/x86_64/${name}`));
  });

  it("builds the local stage for this host's architecture", () => {
    // Act
    const onArm = synthPipeline({ STAGE: "local" }, "arm64");
    const onX64 = synthPipeline({ STAGE: "local" }, "x64");

    // Assert
    expect(
      byPath(onArm, "aws_lambda_function", "image-processor/function").block.architectures
    ).toEqual(["arm64"]);
    expect(
      byPath(onX64, "aws_lambda_function", "image-processor/function").block.architectures
    ).toEqual(["x86_64"]);
  });

  it("sizes the processor at 512 MB / 30 s and the logger at 256 MB / 20 s", () => {
    // Act
    const sizes = names.map((name) => [fnOf(name).block.memory_size, fnOf(name).block.timeout]);

    // Assert
    expect(sizes).toEqual([
      [512, 30],
      [256, 20],
    ]);
  });

  it("reserves concurrency only when configured", () => {
    // Arrange
    const reserved = synthPipeline({
      PROCESSOR_RESERVED_CONCURRENCY: "5",
      LOGGER_RESERVED_CONCURRENCY: "2",
    });

    // Act
    const values = names.map(
      (name) =>
        byPath(reserved, "aws_lambda_function", `${name}/function`).block
          .reserved_concurrent_executions
    );

    // Assert
    expect(values).toEqual([5, 2]);
    expect(names.map((name) => fnOf(name).block.reserved_concurrent_executions)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it.each(names)("traces %s with X-Ray", (name) => {
    // Act
    const { block } = fnOf(name);

    // Assert
    expect(block.tracing_config).toEqual({ mode: "Active" });
  });

  it.each(names)(
    "gives %s a log group /aws/lambda/<name> with 14 days of retention, created first",
    (name) => {
      // Arrange
      const fn = fnOf(name);
      const logGroup = byPath(json, "aws_cloudwatch_log_group", `${name}/log-group`);

      // Act
      const { depends_on: dependsOn, logging_config: logging } = fn.block;

      // Assert
      expect(logGroup.block).toMatchObject({
        name: `/aws/lambda/${fn.block.function_name}`,
        retention_in_days: 14,
      });
      expect(logging).toEqual({ log_format: "Text", log_group: ref(logGroup, "name") });
      expect(dependsOn).toContain(address(logGroup));
    }
  );

  it("injects the processor's environment exactly as the handler contract lists it", () => {
    // Arrange
    const thumbnails = byPath(json, "aws_s3_bucket", "thumbnails/bucket");
    const table = byPath(json, "aws_dynamodb_table", "jobs/table");
    const topic = byPath(json, "aws_sns_topic", "events/topic");

    // Act
    const variables = fnOf("image-processor").block.environment.variables;

    // Assert
    expect(variables).toEqual({
      THUMBNAILS_BUCKET: ref(thumbnails, "bucket"),
      JOBS_TABLE: ref(table, "name"),
      EVENTS_TOPIC_ARN: ref(topic, "arn"),
      THUMBNAIL_SIZE: "128",
      MAX_INPUT_BYTES: "26214400",
      MAX_INPUT_PIXELS: "40000000",
      LOG_LEVEL: "INFO",
      POWERTOOLS_SERVICE_NAME: "image-processor",
      MAX_ATTEMPTS: "3",
    });
  });

  it("injects the logger's environment exactly as the handler contract lists it", () => {
    // Arrange
    const analytics = byPath(json, "aws_s3_bucket", "analytics/bucket");

    // Act
    const variables = fnOf("analytics-logger").block.environment.variables;

    // Assert
    expect(variables).toEqual({
      ANALYTICS_BUCKET: ref(analytics, "bucket"),
      ANALYTICS_PREFIX: "image-events",
      LOG_LEVEL: "INFO",
    });
  });

  it.each(names)(
    "sends failed asynchronous invocations of %s to its own SQS queue after 2 retries",
    (name) => {
      // Arrange
      const queue = byPath(json, "aws_sqs_queue", `${name}/failure-queue`);
      const rolePolicy = byPath(json, "aws_iam_role_policy", `${name}/execution/policy`);

      // Act
      const config = byPath(
        json,
        "aws_lambda_function_event_invoke_config",
        `${name}/async-config`
      ).block;

      // Assert
      expect(config).toMatchObject({
        function_name: ref(fnOf(name), "function_name"),
        maximum_retry_attempts: 2,
        destination_config: { on_failure: { destination: ref(queue, "arn") } },
        depends_on: [address(rolePolicy)],
      });
      expect(queue.block).toMatchObject({
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 1209600,
      });
    }
  );

  it.each(names)("gives %s its own role, assumable by Lambda only", (name) => {
    // Arrange
    const role = byPath(json, "aws_iam_role", `${name}/execution/role`);

    // Act
    const trust = JSON.parse(role.block.assume_role_policy as string);

    // Assert
    expect(fnOf(name).block.role).toBe(ref(role, "arn"));
    expect(trust.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  describe("I5: code from archive_file, portable and hash-stable", () => {
    it.each(names)(
      "I5: zips dist/arm64/%s relative to the stack directory, with fixed file modes",
      (name) => {
        // Act
        const archive = byPath(json, "data.archive_file", `${name}/code`).block;

        // Assert
        expect(archive).toMatchObject({
          type: "zip",
          source_dir: `\${path.module}/../../../dist/arm64/${name}`,
          output_path: `\${path.module}/${name}.zip`,
          output_file_mode: "0644",
        });
      }
    );

    it.each(names)(
      "I5: deploys %s from the archive, with source_code_hash = its output_base64sha256",
      (name) => {
        // Arrange
        const archive = byPath(json, "data.archive_file", `${name}/code`);

        // Act
        const { block } = fnOf(name);

        // Assert
        expect(block.filename).toBe(ref(archive, "output_path"));
        expect(block.source_code_hash).toBe(ref(archive, "output_base64sha256"));
      }
    );
  });
});
