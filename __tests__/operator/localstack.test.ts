/**
 * The LocalStack switch: with LOCALSTACK_ENDPOINT set, the synthesized AWS
 * provider sends every service the stack uses to that URL, with path-style
 * S3, dummy keys and no account look-ups; without it, nothing of that is in
 * the JSON. Nothing here contacts LocalStack.
 */
import { loadConfig } from "../../stacks/config";
import { ConfigError } from "../../stacks/errors";
import { LOCALSTACK_SERVICES } from "../../stacks/localstack";
import { synthPipeline } from "../stacks/synth-helper";

const ENDPOINT = "http://localhost:4566";

describe("LOCALSTACK_ENDPOINT", () => {
  it("points every used service of the AWS provider at the endpoint", () => {
    // Act
    const json = synthPipeline({ LOCALSTACK_ENDPOINT: ENDPOINT });

    // Assert
    const [aws] = json.provider.aws;
    expect(aws.endpoints).toEqual([
      {
        cloudwatchlogs: ENDPOINT,
        dynamodb: ENDPOINT,
        iam: ENDPOINT,
        lambda: ENDPOINT,
        logs: ENDPOINT,
        s3: ENDPOINT,
        sns: ENDPOINT,
        sqs: ENDPOINT,
        sts: ENDPOINT,
      },
    ]);
  });

  it("sets path-style S3, skipped checks and dummy keys", () => {
    // Act
    const [aws] = synthPipeline({ LOCALSTACK_ENDPOINT: ENDPOINT }).provider.aws;

    // Assert
    expect(aws).toMatchObject({
      s3_use_path_style: true,
      skip_credentials_validation: true,
      skip_metadata_api_check: "true",
      skip_requesting_account_id: true,
      access_key: "test",
      secret_key: "test",
      region: "ap-south-1",
    });
  });

  it("covers each AWS service that a resource or data source of the stack belongs to", () => {
    // Arrange
    const json = synthPipeline({ LOCALSTACK_ENDPOINT: ENDPOINT });
    const services: Record<string, string> = {
      aws_s3: "s3",
      aws_dynamodb: "dynamodb",
      aws_sns: "sns",
      aws_sqs: "sqs",
      aws_lambda: "lambda",
      aws_iam: "iam",
      aws_cloudwatch_log: "logs",
      aws_caller_identity: "sts",
    };
    const types = [...Object.keys(json.resource), ...Object.keys(json.data)].filter((type) =>
      type.startsWith("aws_")
    );

    // Act
    const unmapped = types.filter(
      (type) => !Object.keys(services).some((prefix) => type.startsWith(prefix))
    );
    const needed = new Set(
      types.flatMap((type) =>
        Object.entries(services)
          .filter(([prefix]) => type.startsWith(prefix))
          .map(([, service]) => service)
      )
    );

    // Assert
    expect(unmapped).toEqual([]);
    for (const service of needed) expect(LOCALSTACK_SERVICES).toContain(service);
  });

  it("leaves the provider aimed at AWS when unset", () => {
    // Act
    const [aws] = synthPipeline({}).provider.aws;

    // Assert
    for (const key of [
      "endpoints",
      "s3_use_path_style",
      "skip_credentials_validation",
      "access_key",
      "secret_key",
    ]) {
      expect(aws).not.toHaveProperty(key);
    }
  });

  it("rejects a value that is not an http(s) URL, naming the variable", () => {
    // Act
    const attempt = () => loadConfig({ LOCALSTACK_ENDPOINT: "localhost:4566" });

    // Assert
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^LOCALSTACK_ENDPOINT: "localhost:4566" must be an http\(s\) URL/);
  });

  it("refuses a remote state bucket, which would keep LocalStack's state in AWS", () => {
    // Act
    const attempt = () =>
      loadConfig({ LOCALSTACK_ENDPOINT: ENDPOINT, TF_STATE_BUCKET: "acme-terraform-state" });

    // Assert
    expect(attempt).toThrow(/^LOCALSTACK_ENDPOINT: cannot be combined with TF_STATE_BUCKET/);
  });

  it("drops a trailing slash so that the provider gets one URL form", () => {
    // Act
    const config = loadConfig({ LOCALSTACK_ENDPOINT: "http://127.0.0.1:4566/" });

    // Assert
    expect(config.localstackEndpoint).toBe("http://127.0.0.1:4566");
  });
});
