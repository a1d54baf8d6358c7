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

  it("refuses what is no destination, and wildcards that would widen the grant", () => {
    expect(() => rejectDestinationPermissions(at, "rejects")).toThrow(RangeError);
    expect(() => rejectDestinationPermissions(at, "s3://ops/a*")).toThrow(RangeError);
  });
});
