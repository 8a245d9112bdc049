import type { S3EventRecord } from "aws-lambda";

/** The fields of one S3 event record that the processor uses, keys still encoded. */
export interface SourceObjectRef {
  readonly bucket: string;
  /** The key exactly as it appears in the event (form-encoded). */
  readonly rawKey: string;
  /** Object size in bytes according to the event, when given. */
  readonly size?: number;
  readonly versionId?: string;
  readonly sequencer?: string;
  readonly eTag?: string;
  readonly eventName?: string;
  readonly eventTime?: string;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Reads bucket, key and revision fields out of an S3 event record, tolerating
 * partial records. Returns undefined when there is no bucket name or no key,
 * since such a record names no object.
 */
export function readSourceObjectRef(record: S3EventRecord): SourceObjectRef | undefined {
  const s3 = (record as Partial<S3EventRecord>).s3;
  const bucket = optionalString(s3?.bucket?.name);
  const rawKey = optionalString(s3?.object?.key);
  if (!bucket || !rawKey) {
    return undefined;
  }
  const size = s3?.object?.size;

  return {
    bucket,
    rawKey,
    size: typeof size === "number" && Number.isFinite(size) ? size : undefined,
    versionId: optionalString(s3?.object?.versionId),
    sequencer: optionalString(s3?.object?.sequencer),
    eTag: optionalString(s3?.object?.eTag),
    eventName: optionalString(record.eventName),
    eventTime: optionalString(record.eventTime),
  };
}
