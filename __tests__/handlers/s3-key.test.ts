import { InputRejectedError } from "../../handlers/lib/errors";
import { decodeS3EventKey, isFolderMarker } from "../../handlers/lib/s3-key";
import { encodeS3EventKey } from "./support/pipeline-harness";

describe("decodeS3EventKey", () => {
  it.each([
    ["photos/summer+trip/beach+day%281%29.jpg", "photos/summer trip/beach day(1).jpg"],
    ["caf%C3%A9/na%C3%AFve+%E2%9C%93.png", "café/naïve ✓.png"],
    ["a%2Bb.jpg", "a+b.jpg"],
    ["a%2B%2Bb+c%2B.jpg", "a++b c+.jpg"],
    ["100%25+real.png", "100% real.png"],
    ["%F0%9F%93%B7/emoji.webp", "📷/emoji.webp"],
    ["plain/key.jpg", "plain/key.jpg"],
  ])("decodes %s to %s", (raw, expected) => {
    // Arrange, Act
    const decoded = decodeS3EventKey(raw);

    // Assert
    expect(decoded).toBe(expected);
  });

  it.each(["a b+c/d(1)+e%.jpg", "ü+é/✓ %2B + .png", "   ", "a/b/c/"])(
    "round-trips %j through S3's event encoding",
    (key) => {
      // Arrange
      const encoded = encodeS3EventKey(key);

      // Act
      const decoded = decodeS3EventKey(encoded);

      // Assert
      expect(decoded).toBe(key);
    }
  );

  it.each([
    "bad%.jpg",
    "bad%2.jpg",
    "bad%zz.jpg",
    "bad%C3.jpg",
    "bad%C3%28.jpg",
    "bad%ED%A0%80.jpg",
    "%",
  ])("rejects the malformed encoding %s with an invalid-key error naming the key", (raw) => {
    // Arrange
    const decode = () => decodeS3EventKey(raw);

    // Act, Assert
    expect(decode).toThrow(InputRejectedError);
    try {
      decode();
    } catch (error) {
      expect((error as InputRejectedError).kind).toBe("invalid-key");
      expect((error as InputRejectedError).message).toContain(JSON.stringify(raw));
    }
  });
});

describe("isFolderMarker", () => {
  it("is true only for keys ending in a slash", () => {
    // Arrange
    const keys = ["photos/", "photos/a.jpg", "a/", "/"];

    // Act
    const markers = keys.map(isFolderMarker);

    // Assert
    expect(markers).toEqual([true, false, true, true]);
  });
});
