import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";

import { classifyAwsError } from "./aws-errors";
import { InputRejectedError } from "./errors";
import { checkInputSize } from "./image-probe";

/** The object to download and the most bytes to accept. */
export interface ObjectRequest {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly maxBytes: number;
}

/**
 * Downloads an object into memory, refusing it by its Content-Length before
 * reading the body when it is empty or larger than maxBytes. A missing object
 * or version is a hopeless input (kind `source-missing`); every other SDK
 * error is rethrown as is for the caller to classify.
 */
export async function readObject(s3: S3Client, request: ObjectRequest): Promise<Buffer> {
  let response;
  try {
    response = await s3.send(
      new GetObjectCommand({
        Bucket: request.bucket,
        Key: request.key,
        VersionId: request.versionId,
      })
    );
  } catch (error) {
    if (classifyAwsError(error) === "not-found") {
      throw new InputRejectedError(
        "source-missing",
        `The uploaded object s3://${request.bucket}/${request.key} no longer exists; ` +
          "it was deleted before it could be processed.",
        { cause: error }
      );
    }
    throw error;
  }

  const body = response.Body;
  try {
    if (response.ContentLength !== undefined) {
      checkInputSize(response.ContentLength, request.maxBytes);
    }
  } catch (error) {
    (body as { destroy?: () => void } | undefined)?.destroy?.();
    throw error;
  }
  const data = body ? Buffer.from(await body.transformToByteArray()) : Buffer.alloc(0);
  checkInputSize(data.length, request.maxBytes);

  return data;
}
