import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { LogRejectSink } from "../../adapters/aws/LogRejectSink.js";
import { S3RejectSink } from "../../adapters/aws/S3RejectSink.js";
import { SqsRejectSink } from "../../adapters/aws/SqsRejectSink.js";
import { parseRejectDestination, rejectSinkFor } from "../../handlers/lambda/rejectDestination.js";

describe("REJECT_DESTINATION", () => {
  it("reads an SQS queue URL or an S3 bucket and prefix", () => {
    expect(
      parseRejectDestination("https://sqs.eu-west-1.amazonaws.com/123456789012/rejects"),
    ).toEqual(
      E.right({
        kind: "sqs",
        queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/rejects",
      }),
    );
    expect(parseRejectDestination("s3://ops-bucket/rejects/")).toEqual(
      E.right({ kind: "s3", bucket: "ops-bucket", prefix: "rejects/" }),
    );
    expect(parseRejectDestination("s3://ops-bucket")).toEqual(
      E.right({ kind: "s3", bucket: "ops-bucket", prefix: "" }),
    );
    for (const bad of ["rejects", "arn:aws:sqs:us-east-1:1:q", "s3://", "https://sqs.x/only-one"])
      expect(E.isLeft(parseRejectDestination(bad))).toBe(true);
  });

  it("builds the destination's sink; without one, the log and ONE warning naming the variable", () => {
    const env = { AWS_REGION: "us-east-1" };
    expect(
      rejectSinkFor("x", { kind: "sqs", queueUrl: "https://sqs.us-east-1.amazonaws.com/1/q" }, env),
    ).toBeInstanceOf(SqsRejectSink);
    expect(rejectSinkFor("x", { kind: "s3", bucket: "b", prefix: "" }, env)).toBeInstanceOf(
      S3RejectSink,
    );
    const lines: string[] = [];
    const sink = rejectSinkFor("streamToQueue", undefined, env, {
      warnWhenLogged: true,
      warn: (line) => lines.push(line),
    });
    expect(sink).toBeInstanceOf(LogRejectSink);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ level: "WARN", pipeline: "streamToQueue" });
    expect(lines[0]).toContain("REJECT_DESTINATION");
    rejectSinkFor("csvToQueue", undefined, env, { warn: (line) => lines.push(line) });
    expect(lines).toHaveLength(1);
  });
});
