/**
 * The architecture diagram: drawn from the synthesized JSON, with an edge
 * for each notification, subscription, environment reference, failure
 * destination and access logging; README.md must hold the diagram of the current stack
 * (`npm run diagram` refreshes it).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { stackDiagram } from "../../scripts/diagram";
import { renderMermaid, type StackDocument } from "../../scripts/lib/mermaid-diagram";
import { MarkerError, mermaidFence, readBlock, replaceBlock } from "../../scripts/lib/readme-block";
import { synthPipeline } from "../stacks/synth-helper";

const ROOT = resolve(__dirname, "..", "..");

function path(segments: string): Record<string, unknown> {
  return { "//": { metadata: { path: `stack/${segments}` } } };
}

/** A small stack: a bucket triggering a function that writes to a table and a topic. */
function miniStack(): StackDocument & {
  resource: Record<string, Record<string, Record<string, unknown>>>;
} {
  return {
    resource: {
      aws_s3_bucket: { in_b: path("in/bucket"), logs_b: path("logs/bucket") },
      aws_lambda_function: {
        fn_f: {
          ...path("worker/function"),
          runtime: "nodejs22.x",
          architectures: ["x86_64"],
          environment: {
            variables: {
              TABLE: "${aws_dynamodb_table.t.name}",
              TOPIC: "${aws_sns_topic.end_t.arn}",
              LEVEL: "INFO",
            },
          },
        },
        sink_f: { ...path("sink/function"), runtime: "nodejs22.x", architectures: ["arm64"] },
      },
      aws_dynamodb_table: { t: { ...path("jobs/table"), hash_key: "id" } },
      aws_sns_topic: { end_t: path("end/topic") },
      aws_sqs_queue: { q: path("worker/dead-letters") },
      aws_s3_bucket_notification: {
        n: {
          bucket: "${aws_s3_bucket.in_b.bucket}",
          lambda_function: [
            {
              events: ["s3:ObjectCreated:Put"],
              lambda_function_arn: "${aws_lambda_function.fn_f.arn}",
            },
          ],
        },
      },
      aws_sns_topic_subscription: {
        s: {
          topic_arn: "${aws_sns_topic.end_t.arn}",
          protocol: "lambda",
          endpoint: "${aws_lambda_function.sink_f.arn}",
        },
      },
      aws_lambda_function_event_invoke_config: {
        c: {
          function_name: "${aws_lambda_function.fn_f.function_name}",
          maximum_retry_attempts: 1,
          destination_config: { on_failure: { destination: "${aws_sqs_queue.q.arn}" } },
        },
      },
      aws_s3_bucket_logging: {
        l: {
          bucket: "${aws_s3_bucket.in_b.bucket}",
          target_bucket: "${aws_s3_bucket.logs_b.bucket}",
        },
      },
      aws_iam_role: { r: path("worker/role") },
    },
  };
}

describe("renderMermaid", () => {
  it("draws notifications, environment references, subscriptions, failures and logging", () => {
    // Act
    const diagram = renderMermaid(miniStack());

    // Assert
    expect(diagram).toBe(
      [
        "flowchart LR",
        "  client([client])",
        '  in[("S3 in<br/>private")]',
        '  logs[("S3 logs<br/>private")]',
        '  sink["λ sink<br/>nodejs22.x arm64"]',
        '  worker["λ worker<br/>nodejs22.x x86_64"]',
        '  jobs[("DynamoDB jobs<br/>key id")]',
        '  end_node{{"SNS end"}}',
        '  worker_dead_letters[["SQS worker dead-letters"]]',
        '  client -- "put object" --> in',
        '  in -- "s3:ObjectCreated:Put" --> worker',
        '  worker -- "TABLE" --> jobs',
        '  worker -- "TOPIC" --> end_node',
        '  end_node -- "lambda subscription" --> sink',
        '  worker -. "on failure after 1 retry" .-> worker_dead_letters',
        '  in -. "access logs" .-> logs',
        "",
      ].join("\n")
    );
  });

  it("drops an edge when the stack loses the resource that made it", () => {
    // Arrange
    const stack = miniStack();
    delete stack.resource.aws_sns_topic_subscription;

    // Act
    const diagram = renderMermaid(stack);

    // Assert
    expect(diagram).not.toContain("subscription");
    expect(diagram).toContain('  sink["λ sink<br/>nodejs22.x arm64"]');
  });

  it("marks public-read and versioned buckets from their policy and versioning resources", () => {
    // Arrange
    const json = synthPipeline({});

    // Act
    const diagram = renderMermaid(json as unknown as StackDocument);

    // Assert
    expect(diagram).toContain('thumbnails[("S3 thumbnails<br/>public read")]');
    expect(diagram).toContain('uploads[("S3 uploads<br/>private, versioned")]');
    expect(diagram).toContain('analytics[("S3 analytics<br/>private, versioned")]');
  });
});

describe("README.md", () => {
  it("shows the diagram of the stack as it is now (run npm run diagram when this fails)", () => {
    // Arrange
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");

    // Act
    const expected = mermaidFence(stackDiagram());

    // Assert
    expect(readBlock(readme)).toBe(expected);
  });
});

describe("readme block", () => {
  const text = "intro\n<!-- diagram:start -->\nold\n<!-- diagram:end -->\noutro\n";

  it("replaces only what lies between the markers", () => {
    // Act
    const updated = replaceBlock(text, "new\nlines\n");

    // Assert
    expect(updated).toBe(
      "intro\n<!-- diagram:start -->\nnew\nlines\n<!-- diagram:end -->\noutro\n"
    );
    expect(readBlock(updated)).toBe("new\nlines");
  });

  it("names the missing marker", () => {
    // Act
    const attempt = () => replaceBlock("no markers here", "x");

    // Assert
    expect(attempt).toThrow(MarkerError);
    expect(attempt).toThrow("expected <!-- diagram:start --> followed by <!-- diagram:end -->");
  });
});
