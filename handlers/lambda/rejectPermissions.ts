import * as E from "fp-ts/lib/Either.js";
import type { AwsLocation, PolicyStatement } from "./iamStatements.js";
import { keyStatements } from "./keyPermissions.js";
import { parseRejectDestination } from "./rejectDestination.js";

/**
 * The statements a function needs to write its rejects to `REJECT_DESTINATION` (the same text as
 * the variable): `sqs:SendMessage` (authorizes SendMessageBatch) on the queue, or `s3:PutObject`
 * on `bucket/prefix*`. Add them to any entry point's `functionCode`. The queue's region and
 * account come from its URL (`https://sqs.<region>.amazonaws.com/<account>/<queue>`), else from
 * `at`. With `keyArn`, the destination's customer managed key (SSE-KMS queue or bucket), they add
 * what writing needs on it: `kms:GenerateDataKey` and `kms:Decrypt` for a queue,
 * `kms:GenerateDataKey` for a bucket (one PutObject per document).
 * @example [...queueToTablePermissions(config).functionCode, ...rejectDestinationPermissions(config, "s3://ops/rejects/", { keyArn: opsKeyArn })]
 */
export const rejectDestinationPermissions = (
  at: AwsLocation,
  destination: string,
  options: { readonly keyArn?: string } = {},
): PolicyStatement[] => {
  const parsed = parseRejectDestination(destination);
  if (E.isLeft(parsed)) throw new RangeError(`REJECT_DESTINATION ${parsed.left}`);
  const partition = at.partition ?? "aws";
  const d = parsed.right;
  if (d.kind === "s3") {
    if (/[*?]/.test(d.bucket + d.prefix))
      throw new RangeError(`REJECT_DESTINATION must not hold * or ? (got "${destination}")`);
    return [
      {
        Sid: "StoreRejects",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`arn:${partition}:s3:::${d.bucket}/${d.prefix}*`],
      },
      ...keyStatements("EncryptRejects", "writeObjects", "keyArn", options.keyArn),
    ];
  }
  const url = new URL(d.queueUrl);
  const [account, name] = url.pathname.split("/").filter((part) => part !== "");
  const region = /^sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? at.region;
  if (account === undefined || name === undefined || /[*?]/.test(name))
    throw new RangeError(`REJECT_DESTINATION is not a queue URL (got "${destination}")`);
  return [
    {
      Sid: "SendRejects",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: [`arn:${partition}:sqs:${region}:${account}:${name}`],
    },
    ...keyStatements("EncryptRejects", "sendToQueue", "keyArn", options.keyArn),
  ];
};
