import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";

/** Properties of a {@link JobsTable}. */
export interface JobsTableProps {
  /** Table name. */
  readonly tableName: string;
}

/**
 * The job table: one item per processed upload, keyed by `jobId` (string),
 * billed on demand, encrypted with the AWS managed KMS key, with
 * point-in-time recovery.
 */
export class JobsTable extends Construct {
  /** Table name (JOBS_TABLE of the processor). */
  readonly tableName: string;
  /** Table ARN. */
  readonly tableArn: string;

  constructor(scope: Construct, id: string, props: JobsTableProps) {
    super(scope, id);

    const table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "jobId",
      attribute: [{ name: "jobId", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    });
    this.tableName = table.name;
    this.tableArn = table.arn;
  }
}
