import { SQSClient } from "@aws-sdk/client-sqs";
import * as E from "fp-ts/lib/Either.js";
import { LogRejectSink } from "../../adapters/aws/LogRejectSink.js";
import { createS3Client } from "../../adapters/aws/S3ObjectStore.js";
import { S3RejectSink } from "../../adapters/aws/S3RejectSink.js";
import { SqsRejectSink } from "../../adapters/aws/SqsRejectSink.js";
import type { RejectSink } from "../../ports/rejectSink.js";
import { retriedByTheLibrary } from "./clientConfig.js";
import type { EnvVar } from "./env.js";

/**
 * Where rejected records go (`REJECT_DESTINATION`): an SQS queue URL, or an S3 bucket and key
 * prefix (`s3://bucket/prefix`). One reject document per record (docs/rejects.md).
 * @example const destination: RejectDestination = { kind: "s3", bucket: "ops", prefix: "rejects/" };
 */
export type RejectDestination =
  | { readonly kind: "sqs"; readonly queueUrl: string }
  | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string };

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/**
 * Reads a reject destination: `https://sqs.…/<account>/<queue>` (any http(s) URL: an SQS
 * endpoint, a local emulator's) or `s3://bucket[/prefix]`.
 * @example parseRejectDestination("s3://ops/rejects/") // right({ kind: "s3", bucket: "ops", prefix: "rejects/" })
 */
export const parseRejectDestination = (text: string): E.Either<string, RejectDestination> => {
  const value = text.trim();
  const s3 = S3_URI.exec(value);
  if (s3 !== null) return E.right({ kind: "s3", bucket: s3[1] ?? "", prefix: s3[2] ?? "" });
  if (/^https?:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(value))
    return E.right({ kind: "sqs", queueUrl: value });
  return E.left(
    "must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>) or s3://<bucket>/<prefix>",
  );
};

/**
 * The optional `REJECT_DESTINATION` variable, for `readEnv`.
 * @example readEnv(process.env, { TABLE_NAME: requiredString, REJECT_DESTINATION: rejectDestinationVar })
 */
export const rejectDestinationVar: EnvVar<RejectDestination | undefined> = {
  required: false,
  parse: parseRejectDestination,
};

/**
 * The reject sink of an entry point: the destination's sink (SQS or S3, AWS clients from the
 * default chain) or, without one, the structured log. `warnWhenLogged` writes ONE warning line
 * (called at cold start) saying rejects go only to the log and naming REJECT_DESTINATION.
 * @example rejects: rejectSinkFor("streamToQueue", REJECT_DESTINATION, env, { warnWhenLogged: true })
 */
export const rejectSinkFor = (
  entryPoint: string,
  destination: RejectDestination | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { readonly warnWhenLogged?: boolean; readonly warn?: (line: string) => void } = {},
): RejectSink => {
  if (destination?.kind === "sqs")
    return new SqsRejectSink(new SQSClient(retriedByTheLibrary), destination.queueUrl, entryPoint);
  if (destination?.kind === "s3")
    return new S3RejectSink(createS3Client(env), destination, entryPoint);
  if (options.warnWhenLogged === true)
    (options.warn ?? ((line) => process.stderr.write(`${line}\n`)))(
      JSON.stringify({
        level: "WARN",
        pipeline: entryPoint,
        message:
          "REJECT_DESTINATION is not set: rejected records are only logged (set it to an SQS queue URL or s3://bucket/prefix to keep them for a replay)",
      }),
    );
  return new LogRejectSink(entryPoint);
};
