import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { RejectSinkOverS3 } from "../shared/RejectSinkOverS3.js";
import type { RetryEnv } from "../shared/retry.js";
import type { S3PutCalls } from "../shared/s3Calls.js";
import { callService } from "../shared/serviceFailure.js";

/**
 * {@link S3PutCalls} on S3: `client.send` of PutObject, the SDK's exception as the failure.
 * @example new RejectSinkOverS3(awsS3PutCalls(new S3Client({})), { bucket: "ops", prefix: "rejects/" }, "csvToQueue")
 */
export const awsS3PutCalls = (client: S3Client): S3PutCalls => ({
  putObject: (input) => callService(() => client.send(new PutObjectCommand(input))),
});

/**
 * {@link RejectSinkOverS3} on an S3 bucket and prefix: one reject document per object.
 * @example const rejects = new S3RejectSink(createS3Client(), { bucket: "ops", prefix: "rejects/" }, "csvToQueue");
 */
export class S3RejectSink extends RejectSinkOverS3 {
  constructor(
    client: S3Client,
    at: { readonly bucket: string; readonly prefix: string },
    entryPoint: string,
    retry?: RetryEnv,
  ) {
    super(awsS3PutCalls(client), at, entryPoint, retry);
  }
}
