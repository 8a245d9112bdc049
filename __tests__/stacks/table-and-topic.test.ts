import { allOf, byPath, synthPipeline } from "./synth-helper";

describe("job table and events topic", () => {
  const json = synthPipeline();

  it("keys the job table by jobId (string), billed on demand", () => {
    // Act
    const tables = allOf(json, "aws_dynamodb_table");

    // Assert
    expect(tables).toHaveLength(1);
    expect(tables[0].block).toMatchObject({
      name: "activity4-image-pipeline-dev-jobs",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "jobId",
      attribute: [{ name: "jobId", type: "S" }],
    });
    expect(tables[0].block.range_key).toBeUndefined();
  });

  it("keeps point-in-time recovery on and encrypts the job table", () => {
    // Act
    const { block } = byPath(json, "aws_dynamodb_table", "jobs/table");

    // Assert
    expect(block.point_in_time_recovery).toEqual({ enabled: true });
    expect(block.server_side_encryption).toEqual({ enabled: true });
  });

  it("encrypts the events topic with the AWS managed SNS key", () => {
    // Act
    const topics = allOf(json, "aws_sns_topic");

    // Assert
    expect(topics.map((found) => found.block)).toEqual([
      expect.objectContaining({
        name: "activity4-image-pipeline-dev-image-events",
        kms_master_key_id: "alias/aws/sns",
      }),
    ]);
  });
});
