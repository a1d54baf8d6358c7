import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ObjectStoreOverS3 } from "../shared/ObjectStoreOverS3.js";
import { callService } from "../shared/serviceFailure.js";

/**
 * {@link ObjectStoreOverS3} on S3: GetObject is `client.send` of its command. In Node the SDK
 * returns the body as a `Readable`, streamed as it arrives; the SDK's own retry strategy retries
 * transient GetObject failures.
 *
 * @example
 * const store = new S3ObjectStore(createS3Client());
 * const object = await store.open({ bucket: "uploads", key: "orders.csv" })();
 */
export class S3ObjectStore extends ObjectStoreOverS3 {
  constructor(client: S3Client) {
    super({ getObject: (input) => callService(() => client.send(new GetObjectCommand(input))) });
  }
}

/**
 * An S3 client from the SDK's default configuration chain (region, credentials, endpoint from
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`). When an endpoint is configured (a local emulator
 * such as LocalStack or MinIO), path-style addressing is forced: emulators do not resolve
 * `bucket.localhost` host names.
 *
 * @example const store = new S3ObjectStore(createS3Client());
 */
export const createS3Client = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): S3Client => {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return new S3Client(endpoint ? { forcePathStyle: true } : {});
};
