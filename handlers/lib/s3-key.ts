import { InputRejectedError } from "./errors";

/**
 * Turns an object key as S3 puts it into event notifications back into the
 * real key: S3 form-encodes it, so `+` stands for a space and everything else
 * is percent-encoded UTF-8 (a literal `+` arrives as `%2B`). The `+` must be
 * replaced before percent-decoding, or `%2B` would become a space too.
 *
 * Throws InputRejectedError (kind `invalid-key`) when the key holds a broken
 * percent sequence or bytes that are not UTF-8, instead of a bare URIError.
 */
export function decodeS3EventKey(rawKey: string): string {
  const spaced = rawKey.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch (error) {
    throw new InputRejectedError(
      "invalid-key",
      `The object key in the event is not valid URL encoding (${JSON.stringify(rawKey)}): ` +
        "S3 sends keys percent-encoded as UTF-8, so the object cannot be located.",
      { cause: error }
    );
  }
}

/** True for the zero-byte "folder" placeholders that consoles create (keys ending in `/`). */
export function isFolderMarker(key: string): boolean {
  return key.endsWith("/");
}
