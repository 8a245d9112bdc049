import { randomBytes } from "node:crypto";

import type { NotificationTarget } from "./stack-model";

const KEPT_AS_IS = /[A-Za-z0-9\-_.~/]/;

/**
 * Encodes an object key the way S3 writes it into event notifications:
 * a space becomes `+`, every other byte outside the unreserved set and `/`
 * becomes `%XX` of its UTF-8 encoding (so a literal `+` arrives as `%2B`).
 */
export function encodeEventKey(key: string): string {
  let encoded = "";
  for (const char of key) {
    if (char === " ") encoded += "+";
    else if (KEPT_AS_IS.test(char)) encoded += char;
    else {
      for (const byte of Buffer.from(char, "utf8")) {
        encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      }
    }
  }

  return encoded;
}

/** Whether an S3 event name (`ObjectCreated:Put`) matches a configured one (`s3:ObjectCreated:*`). */
export function eventMatches(configured: string, eventName: string): boolean {
  const pattern = configured.replace(/^s3:/, "");
  if (pattern.endsWith(":*")) return eventName.startsWith(pattern.slice(0, -1));

  return pattern === eventName;
}

/** Whether a notification entry asks for this event on this key. */
export function targetWants(target: NotificationTarget, eventName: string, key: string): boolean {
  return (
    target.events.some((configured) => eventMatches(configured, eventName)) &&
    key.startsWith(target.filterPrefix ?? "") &&
    key.endsWith(target.filterSuffix ?? "")
  );
}

/** What is known of one stored object when its event is built. */
export interface StoredObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly eTag?: string;
  readonly versionId?: string;
}

let lastSequence = 0n;

/**
 * A sequencer as S3 issues them: hexadecimal, growing for successive writes
 * to a key, unique per write even within one millisecond.
 */
export function nextSequencer(): string {
  const now = BigInt(Date.now()) << 16n;
  lastSequence = now > lastSequence ? now : lastSequence + 1n;

  return lastSequence.toString(16).toUpperCase().padStart(18, "0");
}

/** Builds the S3 notification event that S3 would send for one write. */
export function buildS3Event(
  object: StoredObject,
  eventName: string,
  region: string,
  configurationId: string,
): { Records: unknown[] } {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: region,
        eventTime: new Date().toISOString(),
        eventName,
        userIdentity: { principalId: "AWS:LOCALUSER" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: {
          "x-amz-request-id": randomBytes(8).toString("hex").toUpperCase(),
          "x-amz-id-2": randomBytes(24).toString("base64"),
        },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId,
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: "LOCALOWNER" },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeEventKey(object.key),
            size: object.size,
            ...(object.eTag ? { eTag: object.eTag } : {}),
            ...(object.versionId ? { versionId: object.versionId } : {}),
            sequencer: nextSequencer(),
          },
        },
      },
    ],
  };
}
