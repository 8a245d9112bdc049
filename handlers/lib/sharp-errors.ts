import { InputRejectedError } from "./errors";
import { ACCEPTED_FORMATS_TEXT, looksTruncated, sniffInputFormat } from "./image-format";

function decoderMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);

  return message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .slice(0, 2)
    .join("; ");
}

/**
 * Turns an error that sharp raised for an input into the rejection it means.
 * sharp only reports errors as text, so the text is matched; where the text is
 * vague ("unsupported format" for a damaged TIFF, "libpng read error"), the
 * input's own leading and trailing bytes decide between not-an-image,
 * truncated and corrupt.
 */
export function classifySharpError(error: unknown, input: Uint8Array): InputRejectedError {
  const detail = decoderMessage(error);
  const sniffed = sniffInputFormat(input);
  const truncatedBytes = looksTruncated(input, sniffed);
  const options = { cause: error };

  if (/exceeds pixel limit/i.test(detail)) {
    return new InputRejectedError(
      "too-many-pixels",
      `The image declares more pixels than the decoder accepts (${detail}).`,
      options
    );
  }
  if (input.length === 0 || /buffer is empty/i.test(detail)) {
    return new InputRejectedError("empty", "The upload is empty (0 bytes).", options);
  }
  if (/unsupported image format|no decoding plugin|not a known/i.test(detail) && !sniffed) {
    return new InputRejectedError(
      "unsupported-format",
      `The upload is not an image in a recognised format (${detail}); ` +
        `accepted formats: ${ACCEPTED_FORMATS_TEXT}.`,
      options
    );
  }
  if (
    truncatedBytes ||
    /premature end|unexpected end|end of file|truncat|out of data/i.test(detail)
  ) {
    return new InputRejectedError(
      "truncated",
      `The image is truncated or corrupt: the ${sniffed ?? "image"} data ends early (${detail}).`,
      options
    );
  }

  return new InputRejectedError(
    "corrupt",
    `The image is corrupt or truncated and cannot be decoded (${detail}).`,
    options
  );
}
