import { AsyncInvoker, AsyncInvokerOptions, AsyncOutcome } from "../async-invoker";
import { FunctionHost } from "../function-host";

/** Deliver the S3 events of these keys `copies` times in all, as a duplicating S3 would. */
export interface RedeliveryRule {
  /** Decoded object keys. */
  readonly keys: readonly string[];
  /** Deliveries in all, the first included (3 means two duplicates). */
  readonly copies: number;
  /** One after another, each waiting for the last, or all at the same moment. */
  readonly mode: "sequential" | "concurrent";
}

/** What one delivery of an event was about and how it ended. */
export interface DeliveryRecord {
  readonly functionName: string;
  /** 1 for the event's first delivery, 2 and up for duplicates. */
  readonly copy: number;
  /** S3 events: the object of each record, key decoded. */
  readonly objects: readonly { bucket: string; key: string; sequencer?: string }[];
  /** SNS events: the MessageId of each record. */
  readonly messageIds: readonly string[];
  readonly attempts: number;
  readonly ok: boolean;
  readonly errorType?: string;
  readonly sentToDestination: boolean;
  readonly startedAt: number;
  readonly endedAt: number;
}

interface EventRecord {
  s3?: { bucket?: { name?: string }; object?: { key?: string; sequencer?: string } };
  Sns?: { MessageId?: string };
}

/** An S3 event key is form-encoded: `+` is a space. */
function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

function recordsOf(event: unknown): EventRecord[] {
  const records = (event as { Records?: unknown } | null)?.Records;

  return Array.isArray(records) ? (records as EventRecord[]) : [];
}

/** What a WatchedInvoker watches and changes. */
export interface WatchOptions {
  readonly functionName: string;
  readonly redeliveries: readonly RedeliveryRule[];
  /**
   * Give each S3 record a version id, as S3 does for a versioned bucket (the
   * S3 emulator keeps no versions and ignores the id when reading).
   */
  readonly addVersionIds?: boolean;
  readonly onDelivery: (record: DeliveryRecord) => void;
}

/** The event with a version id on each S3 record, from its sequencer so a redelivery keeps it. */
function withVersionIds(event: unknown): unknown {
  const records = recordsOf(event).map((record) => {
    const object = record.s3?.object as Record<string, unknown> | undefined;
    if (!record.s3 || !object || object.versionId !== undefined) return record;

    return {
      ...record,
      s3: { ...record.s3, object: { ...object, versionId: `v${object.sequencer}` } },
    };
  });

  return { ...(event as object), Records: records };
}

/**
 * An AsyncInvoker that reports every delivery and its outcome, and delivers
 * the S3 events of chosen keys more than once, exactly as received, to test
 * that duplicates change nothing.
 */
export class WatchedInvoker extends AsyncInvoker {
  constructor(
    host: FunctionHost,
    options: AsyncInvokerOptions,
    private readonly watch: WatchOptions,
  ) {
    super(host, options);
  }

  override async invoke(received: unknown): Promise<AsyncOutcome> {
    const event = this.watch.addVersionIds ? withVersionIds(received) : received;
    const objects = recordsOf(event)
      .filter((record) => record.s3?.object?.key !== undefined)
      .map((record) => ({
        bucket: record.s3?.bucket?.name ?? "",
        key: decodeEventKey(record.s3!.object!.key!),
        sequencer: record.s3?.object?.sequencer,
      }));
    const messageIds = recordsOf(event)
      .map((record) => record.Sns?.MessageId)
      .filter((id): id is string => id !== undefined);
    const rule = this.watch.redeliveries.find((r) => objects.some((o) => r.keys.includes(o.key)));
    const deliver = async (copy: number): Promise<AsyncOutcome> => {
      const startedAt = Date.now();
      const outcome = await super.invoke(event);
      this.watch.onDelivery({
        functionName: this.watch.functionName,
        copy,
        objects,
        messageIds,
        attempts: outcome.attempts,
        ok: outcome.result.ok,
        errorType: outcome.result.ok ? undefined : outcome.result.errorType,
        sentToDestination: outcome.sentToDestination,
        startedAt,
        endedAt: Date.now(),
      });

      return outcome;
    };

    const copies = rule?.copies ?? 1;
    if (rule?.mode === "concurrent") {
      const outcomes = await Promise.all(Array.from({ length: copies }, (_, i) => deliver(i + 1)));

      return outcomes[0];
    }
    const first = await deliver(1);
    for (let copy = 2; copy <= copies; copy += 1) await deliver(copy);

    return first;
  }
}
