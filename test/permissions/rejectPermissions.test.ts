import { describe, expect, it } from "vitest";
import { rejectDestinationPermissions } from "../../handlers/lambda/rejectPermissions.js";

const at = { region: "us-east-1", account: "123456789012" };

describe("rejectDestinationPermissions", () => {
  it("grants sqs:SendMessage on the queue the URL names (its region and account)", () => {
    expect(
      rejectDestinationPermissions(at, "https://sqs.eu-west-1.amazonaws.com/210987654321/rejects"),
    ).toEqual([
      {
        Sid: "SendRejects",
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: ["arn:aws:sqs:eu-west-1:210987654321:rejects"],
      },
    ]);
  });

  it("grants s3:PutObject under the prefix only", () => {
    expect(
      rejectDestinationPermissions({ ...at, partition: "aws-cn" }, "s3://ops/rejects/"),
    ).toEqual([
      {
        Sid: "StoreRejects",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: ["arn:aws-cn:s3:::ops/rejects/*"],
      },
    ]);
  });

  it("with the destination's customer managed key, adds what writing needs on that key alone", () => {
    const keyArn = "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const queue = "https://sqs.eu-west-1.amazonaws.com/210987654321/rejects";
    expect(rejectDestinationPermissions(at, queue, { keyArn })[1]).toEqual({
      Sid: "EncryptRejects",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: [keyArn],
    });
    // One PutObject per document: no multipart upload, so no kms:Decrypt.
    expect(rejectDestinationPermissions(at, "s3://ops/rejects/", { keyArn })[1]).toEqual({
      Sid: "EncryptRejects",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey"],
      Resource: [keyArn],
    });
    expect(rejectDestinationPermissions(at, queue)).toHaveLength(1);
    expect(() =>
      rejectDestinationPermissions(at, queue, { keyArn: "arn:aws:kms:eu-west-1:1:alias/ops" }),
    ).toThrow(/keyArn must be the key's ARN/);
  });

  it("refuses what is no destination, and wildcards that would widen the grant", () => {
    expect(() => rejectDestinationPermissions(at, "rejects")).toThrow(RangeError);
    expect(() => rejectDestinationPermissions(at, "s3://ops/a*")).toThrow(RangeError);
  });
});
