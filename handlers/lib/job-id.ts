import { createHash } from "node:crypto";

/** What identifies one upload: the same upload redelivered gives the same values. */
export interface JobIdentity {
  readonly bucket: string;
  /** The decoded object key. */
  readonly key: string;
  /** Object version id (versioned buckets). Preferred over the sequencer when present. */
  readonly versionId?: string;
  /** The event's sequencer: unique per change of a key, equal in a redelivery. */
  readonly sequencer?: string;
}

/**
 * Derives a deterministic job id from the bucket, the decoded key and the
 * object's version (or the event sequencer on unversioned buckets). The parts
 * are JSON-encoded before hashing so that no two different identities can
 * concatenate to the same input.
 */
export function computeJobId(identity: JobIdentity): string {
  const revision = identity.versionId
    ? `v:${identity.versionId}`
    : identity.sequencer
    ? `s:${identity.sequencer}`
    : "";
  const digest = createHash("sha256")
    .update(JSON.stringify([identity.bucket, identity.key, revision]))
    .digest("hex");

  return `job-${digest.slice(0, 32)}`;
}
