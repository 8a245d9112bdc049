import { readFileSync } from "node:fs";
import { join } from "node:path";

import { buildS3Event, encodeEventKey, eventMatches, nextSequencer, targetWants } from "../../local/s3-event-record";

/** How S3 keys are decoded by a consumer: `+` is a space, then percent-decoding. */
const decode = (key: string) => decodeURIComponent(key.replace(/\+/g, " "));

describe("encodeEventKey", () => {
  it.each([
    ["photos/summer trip/beach day(1).jpg", "photos/summer+trip/beach+day%281%29.jpg"],
    ["café/naïve ✓.png", "caf%C3%A9/na%C3%AFve+%E2%9C%93.png"],
    ["a+b.jpg", "a%2Bb.jpg"],
  ])("encodes %s as S3 writes it into events", (key, encoded) => {
    expect(encodeEventKey(key)).toBe(encoded);
  });

  it("round-trips every printable ASCII character and some Unicode", () => {
    const key = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("") + "ß€😀";

    expect(decode(encodeEventKey(key))).toBe(key);
  });

  it("matches the keys of the recorded S3 events in the shared bug cases", () => {
    const events = join(__dirname, "..", "fixtures", "events");
    const cases = [
      ["s3-event-spaces.json", "photos/summer trip/beach day(1).jpg"],
      ["s3-event-unicode.json", "café/naïve ✓.png"],
      ["s3-event-plus.json", "a+b.jpg"],
    ];
    for (const [file, key] of cases) {
      const recorded = JSON.parse(readFileSync(join(events, file), "utf8"));

      expect(encodeEventKey(key)).toBe(recorded.Records[0].s3.object.key);
    }
  });
});

describe("event matching", () => {
  it("treats a trailing wildcard as a prefix of the event name", () => {
    expect(eventMatches("s3:ObjectCreated:*", "ObjectCreated:Put")).toBe(true);
    expect(eventMatches("s3:ObjectCreated:*", "ObjectRemoved:Delete")).toBe(false);
    expect(eventMatches("s3:ObjectCreated:Put", "ObjectCreated:Copy")).toBe(false);
  });

  it("applies prefix and suffix filters to the raw key", () => {
    const target = {
      bucketAddress: "aws_s3_bucket.u",
      functionAddress: "aws_lambda_function.f",
      events: ["s3:ObjectCreated:*"],
      filterPrefix: "in/",
      filterSuffix: ".jpg",
    };

    expect(targetWants(target, "ObjectCreated:Put", "in/a.jpg")).toBe(true);
    expect(targetWants(target, "ObjectCreated:Put", "out/a.jpg")).toBe(false);
    expect(targetWants(target, "ObjectCreated:Put", "in/a.png")).toBe(false);
  });
});

describe("buildS3Event", () => {
  it("builds an S3 notification record with the encoded key and the bucket ARN", () => {
    const event = buildS3Event(
      { bucket: "uploads", key: "a b.jpg", size: 10, eTag: "abc" },
      "ObjectCreated:Put",
      "ap-south-1",
      "cfg",
    ) as { Records: any[] };
    const record = event.Records[0];

    expect(record.awsRegion).toBe("ap-south-1");
    expect(record.s3.bucket.arn).toBe("arn:aws:s3:::uploads");
    expect(record.s3.object).toMatchObject({ key: "a+b.jpg", size: 10, eTag: "abc" });
    expect(record.s3.configurationId).toBe("cfg");
  });

  it("issues sequencers that grow strictly even within one millisecond", () => {
    const sequencers = Array.from({ length: 1000 }, () => nextSequencer());
    const sorted = [...sequencers].sort();

    expect(new Set(sequencers).size).toBe(1000);
    expect(sorted).toEqual(sequencers);
  });
});
