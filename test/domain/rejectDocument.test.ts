import * as fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { invalidRecord } from "../../domain/errors.js";
import {
  decodeRejectDocument,
  encodeRejectDocument,
  rejectDocument,
} from "../../domain/rejectDocument.js";

const sqsRecord = {
  messageId: "m-1",
  body: "not json",
  attributes: { ApproximateReceiveCount: "1" },
};

describe("reject documents", () => {
  it("round-trips: decode(encode(document)) is the document", () => {
    const document = rejectDocument(
      "queueToTable",
      invalidRecord("m-1", "$", "not JSON"),
      { messageId: "m-1" },
      sqsRecord,
      "2026-01-01T00:00:00.000Z",
    );
    expect(decodeRejectDocument(encodeRejectDocument(document))).toEqual(E.right(document));
    expect(JSON.parse(encodeRejectDocument(document))).toMatchObject({
      format: "dynamodb-pipelines/reject",
      version: 1,
      entryPoint: "queueToTable",
      recordId: "m-1",
      field: "$",
      reason: "not JSON",
      original: sqsRecord,
    });
  });

  it("round-trips any JSON original", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (original, reason) => {
        const document = rejectDocument(
          "csvToQueue",
          invalidRecord("s3://b/k#L2", "qty", reason),
          { line: 2 },
          original,
          "2026-01-01T00:00:00.000Z",
        );
        const decoded = decodeRejectDocument(encodeRejectDocument(document));
        expect(E.isRight(decoded) && decoded.right.original).toEqual(
          JSON.parse(JSON.stringify(original ?? null)),
        );
      }),
    );
  });

  it("never throws on an original JSON cannot hold", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const text = encodeRejectDocument(
      rejectDocument("streamToQueue", invalidRecord("e", "$", "deep"), {}, deep, "t"),
    );
    const decoded = decodeRejectDocument(text);
    expect(E.isRight(decoded) && decoded.right.original).toMatch(/^not serializable/);
  });

  it("names the field at fault of a document it cannot read", () => {
    expect(decodeRejectDocument("{")).toMatchObject(E.left({ field: "$" }));
    expect(
      decodeRejectDocument(JSON.stringify({ format: "dynamodb-pipelines/reject", version: 2 })),
    ).toMatchObject(E.left({ field: "version" }));
  });
});
