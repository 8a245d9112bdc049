import { hostLambdaArchitecture, loadConfig } from "../../stacks/config";
import { ConfigError } from "../../stacks/errors";

describe("loadConfig", () => {
  it("defaults to the dev stage in ap-south-1 on arm64 with the instructor user", () => {
    // Act
    const config = loadConfig({});

    // Assert
    expect(config).toMatchObject({
      stage: "dev",
      stackName: "activity4-image-pipeline-dev",
      region: "ap-south-1",
      architecture: "arm64",
      instructorUser: true,
      accountIdInBucketNames: true,
      logRetentionDays: 14,
      accessLogs: { enabled: true, expirationDays: 90 },
      stateBackend: { kind: "local" },
    });
  });

  it("derives the stack name from STAGE unless STACK_NAME is set", () => {
    // Act
    const staged = loadConfig({ STAGE: "prod" });
    const named = loadConfig({ STAGE: "prod", STACK_NAME: "other-name" });

    // Assert
    expect(staged.stackName).toBe("activity4-image-pipeline-prod");
    expect(named.stackName).toBe("other-name");
  });

  it("prefers PIPELINE_REGION over AWS_REGION", () => {
    // Act
    const config = loadConfig({ AWS_REGION: "us-east-1", PIPELINE_REGION: "eu-west-1" });

    // Assert
    expect(config.region).toBe("eu-west-1");
    expect(loadConfig({ AWS_REGION: "us-east-1" }).region).toBe("us-east-1");
  });

  it("uses the host's architecture for the local stage unless LAMBDA_ARCH says otherwise", () => {
    // Act
    const onX64 = loadConfig({ STAGE: "local" }, "x64");
    const forced = loadConfig({ STAGE: "local", LAMBDA_ARCH: "arm64" }, "x64");

    // Assert
    expect(onX64.architecture).toBe("x86_64");
    expect(forced.architecture).toBe("arm64");
  });

  it("reads switches written as on/off, true/false, 1/0 or yes/no", () => {
    // Act
    const values = ["off", "FALSE", "0", "no"].map(
      (value) => loadConfig({ INSTRUCTOR_USER: value }).instructorUser
    );

    // Assert
    expect(values).toEqual([false, false, false, false]);
  });

  it.each([
    ["LAMBDA_ARCH", "x64", /LAMBDA_ARCH: "x64" must be one of arm64, x86_64/],
    ["INSTRUCTOR_USER", "maybe", /INSTRUCTOR_USER: "maybe" must be one of on, off/],
    [
      "LOG_RETENTION_DAYS",
      "10",
      /LOG_RETENTION_DAYS: 10 is not a CloudWatch Logs retention; use one of 1, 3, 5/,
    ],
    ["LOG_RETENTION_DAYS", "two", /LOG_RETENTION_DAYS: "two" must be a whole number/],
    [
      "PROCESSOR_MEMORY_MB",
      "64",
      /PROCESSOR_MEMORY_MB: "64" must be a whole number from 128 to 10240/,
    ],
    [
      "LOGGER_TIMEOUT_SECONDS",
      "901",
      /LOGGER_TIMEOUT_SECONDS: "901" must be a whole number from 1 to 900/,
    ],
    [
      "PROCESSOR_RESERVED_CONCURRENCY",
      "0",
      /PROCESSOR_RESERVED_CONCURRENCY: "0" must be a whole number from 1/,
    ],
    ["STAGE", "Dev_1", /STAGE: "Dev_1" must use only a-z, 0-9/],
    ["STACK_NAME", "a".repeat(40), /STACK_NAME: stack name "a{40}" must be 1-39 characters/],
    ["AWS_REGION", "mars", /AWS_REGION: "mars" is not an AWS region name/],
    ["PIPELINE_LOG_LEVEL", "loud", /PIPELINE_LOG_LEVEL: "LOUD" must be one of TRACE, DEBUG, INFO/],
    ["ANALYTICS_PREFIX", "/events/", /ANALYTICS_PREFIX: "\/events\/" must be S3-safe key segments/],
    [
      "ANALYTICS_TRANSITION_DAYS",
      "10",
      /ANALYTICS_TRANSITION_DAYS: "10" must be a whole number from 30/,
    ],
    [
      "ANALYTICS_EXPIRATION_DAYS",
      "30",
      /ANALYTICS_EXPIRATION_DAYS: 30 must be greater than ANALYTICS_TRANSITION_DAYS \(30\)/,
    ],
    ["ACCESS_LOGGING", "sometimes", /ACCESS_LOGGING: "sometimes" must be one of on, off/],
    [
      "ACCESS_LOG_EXPIRATION_DAYS",
      "0",
      /ACCESS_LOG_EXPIRATION_DAYS: "0" must be a whole number from 1 to 36500/,
    ],
    [
      "ANALYTICS_NONCURRENT_VERSION_DAYS",
      "0",
      /ANALYTICS_NONCURRENT_VERSION_DAYS: "0" must be a whole number from 1 to 365/,
    ],
    [
      "TF_STATE_BUCKET",
      "Bad_Bucket",
      /TF_STATE_BUCKET: "Bad_Bucket" is not a valid S3 bucket name/,
    ],
    ["TF_STATE_KEY", "state.tfstate", /TF_STATE_KEY: is set but TF_STATE_BUCKET is not/],
  ])("rejects %s=%s, naming the variable and what it accepts", (name, value, message) => {
    // Act
    const load = () => loadConfig({ [name]: value });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it("blames STAGE when a long stage makes the derived stack name too long", () => {
    // Act
    const load = () => loadConfig({ STAGE: "a-very-long-stage-name" });

    // Assert
    expect(load).toThrow(/^STAGE: stack name "activity4-image-pipeline-a-very-long-stage-name"/);
  });

  it("maps Node's CPU names to Lambda's and refuses others", () => {
    // Act
    const mapped = [hostLambdaArchitecture("x64"), hostLambdaArchitecture("arm64")];

    // Assert
    expect(mapped).toEqual(["x86_64", "arm64"]);
    expect(() => hostLambdaArchitecture("ia32")).toThrow(/set LAMBDA_ARCH to arm64 or x86_64/);
  });
});
