import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OUTPUT_NAMES } from "../../stacks/output-names";
import { byPath, ref, synthPipeline } from "./synth-helper";

const ROOT = join(__dirname, "..", "..");

describe("outputs", () => {
  const json = synthPipeline();

  it("declares exactly the outputs whose names are data.json's keys", () => {
    // Arrange
    const dataJsonKeys = Object.keys(JSON.parse(readFileSync(join(ROOT, "data.json"), "utf8")));

    // Act
    const outputNames = Object.keys(json.output);

    // Assert
    expect(outputNames.sort()).toEqual([...dataJsonKeys].sort());
    expect([...OUTPUT_NAMES].sort()).toEqual([...dataJsonKeys].sort());
  });

  it("keeps only placeholders in the committed data.json", () => {
    // Act
    const values = Object.values(
      JSON.parse(readFileSync(join(ROOT, "data.json"), "utf8")) as Record<string, string>
    );

    // Assert
    expect(values.every((value) => /^<.*>$/.test(value))).toBe(true);
  });

  it("fills the outputs from the resources", () => {
    // Arrange
    const bucket = (name: string) => ref(byPath(json, "aws_s3_bucket", `${name}/bucket`), "bucket");

    // Act
    const values = Object.fromEntries(
      Object.entries(json.output).map(([name, output]) => [name, output.value])
    );

    // Assert
    expect(values).toEqual({
      instructor_iam_username: ref(byPath(json, "aws_iam_user", "instructor/user"), "name"),
      instructor_access_key_id: ref(
        byPath(json, "aws_iam_access_key", "instructor/access-key"),
        "id"
      ),
      instructor_secret_access_key: ref(
        byPath(json, "aws_iam_access_key", "instructor/access-key"),
        "secret"
      ),
      aws_region: "ap-south-1",
      stack_name: "activity4-image-pipeline-dev",
      uploads_bucket: bucket("uploads"),
      thumbnails_bucket: bucket("thumbnails"),
      analytics_bucket: bucket("analytics"),
      jobs_table: ref(byPath(json, "aws_dynamodb_table", "jobs/table"), "name"),
      sns_topic_arn: ref(byPath(json, "aws_sns_topic", "events/topic"), "arn"),
    });
  });

  it("marks only the secret access key sensitive", () => {
    // Act
    const sensitive = Object.entries(json.output).filter(([, output]) => output.sensitive === true);

    // Assert
    expect(sensitive.map(([name]) => name)).toEqual(["instructor_secret_access_key"]);
  });

  it("follows STACK_NAME and PIPELINE_REGION", () => {
    // Act
    const custom = synthPipeline({ STACK_NAME: "my-pipeline", PIPELINE_REGION: "eu-west-1" });

    // Assert
    expect(custom.output.stack_name.value).toBe("my-pipeline");
    expect(custom.output.aws_region.value).toBe("eu-west-1");
    expect(custom.provider.aws[0].region).toBe("eu-west-1");
  });
});

describe("providers and state", () => {
  it("configures the AWS provider for the region with default tags, and the archive provider", () => {
    // Act
    const json = synthPipeline();

    // Assert
    expect(json.provider.aws).toEqual([
      {
        region: "ap-south-1",
        default_tags: [
          {
            tags: {
              Project: "image-pipeline",
              Stage: "dev",
              Stack: "activity4-image-pipeline-dev",
              ManagedBy: "cdktf",
            },
          },
        ],
      },
    ]);
    expect(json.provider.archive).toEqual([{}]);
  });

  it("keeps local state at the repository root, by a path relative to the stack directory", () => {
    // Act
    const json = synthPipeline();

    // Assert
    expect(json.terraform.backend).toEqual({
      local: { path: "../../../terraform.tfstate.d/activity4-image-pipeline-dev.tfstate" },
    });
  });

  it("uses the S3 backend with S3-native locking when TF_STATE_BUCKET is set", () => {
    // Act
    const json = synthPipeline({ TF_STATE_BUCKET: "my-state-bucket" });

    // Assert
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: "my-state-bucket",
        key: "activity4-image-pipeline-dev/terraform.tfstate",
        region: "ap-south-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it("takes the state key and region from TF_STATE_KEY and TF_STATE_REGION", () => {
    // Act
    const json = synthPipeline({
      TF_STATE_BUCKET: "my-state-bucket",
      TF_STATE_KEY: "a/b.tfstate",
      TF_STATE_REGION: "us-east-1",
    });

    // Assert
    expect(json.terraform.backend.s3).toMatchObject({ key: "a/b.tfstate", region: "us-east-1" });
  });
});
