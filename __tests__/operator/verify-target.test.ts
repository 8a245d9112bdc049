/**
 * Where verify gets the stack from: data.json, an outputs file or local
 * mode's endpoints file, with clear errors for placeholders, missing files
 * and endpoints off this machine; and the URL of an anonymous read.
 */
import { join, resolve } from "node:path";

import {
  loadVerifyTarget,
  localSdkEnvironment,
  publicObjectUrl,
  VerifyTargetError,
} from "../../scripts/lib/verify-target";

const ROOT = resolve(__dirname, "..", "..");
const FIXTURES = join(__dirname, "..", "fixtures");
const options = { stackName: "activity4-image-pipeline-dev" };

describe("loadVerifyTarget", () => {
  it("reads a deployed data.json with the default analytics prefix", () => {
    // Act
    const target = loadVerifyTarget(
      { dataJson: join(FIXTURES, "operator", "data-deployed.json") },
      options
    );

    // Assert
    expect(target).toEqual({
      source: join(FIXTURES, "operator", "data-deployed.json"),
      region: "ap-south-1",
      uploadsBucket: "activity4-image-pipeline-dev-uploads-123456789012",
      thumbnailsBucket: "activity4-image-pipeline-dev-thumbnails-123456789012",
      analyticsBucket: "activity4-image-pipeline-dev-analytics-123456789012",
      jobsTable: "activity4-image-pipeline-dev-jobs",
      analyticsPrefix: "image-events",
    });
  });

  it("refuses the committed data.json, whose values are placeholders, and says what to run", () => {
    // Act
    const attempt = () => loadVerifyTarget({ dataJson: join(ROOT, "data.json") }, options);

    // Assert
    expect(attempt).toThrow(VerifyTargetError);
    expect(attempt).toThrow(
      /still holds placeholders .*npm run data-json.*--outputs <file> or --local/
    );
  });

  it("reads terraform output -json", () => {
    // Act
    const target = loadVerifyTarget(
      { outputs: join(FIXTURES, "stack-outputs", "terraform-output.json") },
      { ...options, analyticsPrefix: "lake" }
    );

    // Assert
    expect(target.analyticsBucket).toBe("activity4-image-pipeline-dev-analytics-111122223333");
    expect(target.analyticsPrefix).toBe("lake");
    expect(target.local).toBeUndefined();
  });

  it("reads local mode's endpoints file, prefix included", () => {
    // Act
    const target = loadVerifyTarget(
      { local: join(FIXTURES, "operator", "local-endpoints.json") },
      options
    );

    // Assert
    expect(target.uploadsBucket).toBe("activity4-image-pipeline-local-uploads");
    expect(target.analyticsPrefix).toBe("lake/events");
    expect(target.local).toEqual({
      pid: 4242,
      endpoints: { s3: "http://127.0.0.1:40001", dynamodb: "http://127.0.0.1:40002" },
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
  });

  it("refuses an endpoints file that points off this machine", () => {
    // Act
    const attempt = () =>
      loadVerifyTarget(
        { local: join(FIXTURES, "operator", "local-endpoints-remote.json") },
        options
      );

    // Assert
    expect(attempt).toThrow(/endpoints.s3 must be an http URL on this machine/);
  });

  it("names a missing file and how to make it", () => {
    // Act
    const attempt = () => loadVerifyTarget({ local: "/nonexistent/local-endpoints.json" }, options);

    // Assert
    expect(attempt).toThrow(
      "local endpoints file /nonexistent/local-endpoints.json does not exist; start local mode with `npm start -- --keep-running`"
    );
  });

  it("wants exactly one source", () => {
    // Act
    const attempt = () => loadVerifyTarget({ dataJson: "a", local: "b" }, options);

    // Assert
    expect(attempt).toThrow(
      "give exactly one of data.json, --outputs <file> and --local <file> (got 2)"
    );
  });
});

describe("publicObjectUrl", () => {
  const aws = loadVerifyTarget(
    { dataJson: join(FIXTURES, "operator", "data-deployed.json") },
    options
  );
  const local = loadVerifyTarget(
    { local: join(FIXTURES, "operator", "local-endpoints.json") },
    options
  );

  it("uses the regional virtual-hosted URL on AWS, with the key encoded per segment", () => {
    // Act
    const url = publicObjectUrl(aws, "thumbs-1", "verify/run 1/probe #1.jpg");

    // Assert
    expect(url).toBe(
      "https://thumbs-1.s3.ap-south-1.amazonaws.com/verify/run%201/probe%20%231.jpg"
    );
  });

  it("falls back to path style for bucket names with dots", () => {
    // Act
    const url = publicObjectUrl(aws, "thumbs.example", "a.jpg");

    // Assert
    expect(url).toBe("https://s3.ap-south-1.amazonaws.com/thumbs.example/a.jpg");
  });

  it("uses path style on the local endpoint", () => {
    // Act
    const url = publicObjectUrl(local, "thumbs", "a b.jpg");

    // Assert
    expect(url).toBe("http://127.0.0.1:40001/thumbs/a%20b.jpg");
  });
});

describe("localSdkEnvironment", () => {
  it("aims the SDK at the emulators through the standard variables, and at nothing for AWS", () => {
    // Arrange
    const aws = loadVerifyTarget(
      { dataJson: join(FIXTURES, "operator", "data-deployed.json") },
      options
    );
    const local = loadVerifyTarget(
      { local: join(FIXTURES, "operator", "local-endpoints.json") },
      options
    );

    // Act
    const environments = [localSdkEnvironment(local), localSdkEnvironment(aws)];

    // Assert
    expect(environments).toEqual([
      {
        AWS_ENDPOINT_URL_S3: "http://127.0.0.1:40001",
        AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:40002",
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_REGION: "ap-south-1",
        AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
        AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
      },
      {},
    ]);
  });
});
