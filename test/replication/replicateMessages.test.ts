import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { describe, expect, it } from "vitest";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { invalidRecord, transient } from "../../domain/errors.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import type { PutCommand, WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import { replicateMessages } from "../../ports/useCases/replicateMessages.js";

const key = (id: string): AttributeMap => ({ id: { S: id } });
const put = (id: string, seq: string): PutCommand => ({
  op: "put",
  key: key(id),
  item: { ...key(id), seq: { N: seq } },
  source: `e-${id}-${seq}`,
  seq,
});
const message = (messageId: string, ...commands: PutCommand[]) =>
  E.right({ messageId, body: encodeMessageBody(commands) });

/** A table that answers each write with the outcome `outcomeOf` gives its command's source. */
const table = (outcomeOf: (source: string) => "ok" | "throttled" | "invalid") => {
  const written: WriteCommand[][] = [];
  const writer: TableWriter = {
    keySchema: () => TE.right({ partitionKey: "id" }),
    write: (commands) => {
      written.push([...commands]);
      const report: WriteReport = {
        failed: commands.flatMap((command): WriteReport["failed"] => {
          const outcome = outcomeOf(command.source);
          if (outcome === "throttled")
            return [{ command, error: transient("BatchWriteItem", "throttled") }];
          if (outcome === "invalid")
            return [{ command, error: invalidRecord(command.source, "$", "too big") }];
          return [];
        }),
      };
      return TE.right(report);
    },
  };
  return { writer, written };
};

/** The use case runs on ports alone: no Lambda event, context or Middy. */
describe("replicateMessages", () => {
  it("writes the last command per key once and maps failures back to their messages", async () => {
    const t = table((source) =>
      source === "e-b-1" ? "throttled" : source === "e-c-1" ? "invalid" : "ok",
    );
    const report = await replicateMessages(t.writer)(
      [
        message("m0", put("a", "1")),
        message("m1", put("a", "2")),
        E.left(invalidRecord("#2", "$", "not an SQS record")),
        E.right({ messageId: "m3", body: "not json" }),
        message("m4", put("b", "1")),
        message("m5", put("c", "1")),
      ],
      unboundedDeadline,
    )();
    expect(t.written).toHaveLength(1);
    expect(t.written[0]?.map((c) => c.source)).toEqual(["e-a-2", "e-b-1", "e-c-1"]);
    expect(E.isRight(report) && report.right.failed.map((f) => f.index)).toEqual([4]);
    expect(E.isRight(report) && report.right.unreadable).toEqual([2, 3]);
    expect(
      E.isRight(report) && report.right.rejected.map((r) => [r.index, r.error.recordId, r.detail]),
    ).toEqual([
      [2, "#2", undefined],
      [3, "m3", undefined],
      [5, "e-c-1", { source: "e-c-1", key: key("c") }],
    ]);
  });

  it("fails every message whose command was written when the whole write fails", async () => {
    const writer: TableWriter = {
      keySchema: () => TE.right({ partitionKey: "id" }),
      write: () => TE.left(transient("BatchWriteItem", "connection reset")),
    };
    const report = await replicateMessages(writer)(
      [message("m0", put("a", "1")), message("m1", put("a", "2")), message("m2", put("b", "1"))],
      unboundedDeadline,
    )();
    // m0's only command is superseded by m1's: it is done.
    expect(E.isRight(report) && report.right.failed.map((f) => f.index)).toEqual([1, 2]);
  });

  it("reads no key schema for an empty batch, and fails the batch when it cannot read it", async () => {
    let schemaReads = 0;
    const writer: TableWriter = {
      keySchema: () => {
        schemaReads += 1;
        return TE.left(transient("DescribeTable", "throttled"));
      },
      write: () => TE.right({ failed: [] }),
    };
    expect(await replicateMessages(writer)([], unboundedDeadline)()).toEqual(
      E.right({ failed: [], rejected: [], unreadable: [] }),
    );
    expect(schemaReads).toBe(0);
    const report = await replicateMessages(writer)(
      [message("m0", put("a", "1"))],
      unboundedDeadline,
    )();
    expect(E.isLeft(report) && report.left._tag).toBe("Transient");
  });
  it("under replays: refuse, rejects a replayed message carrying a sequence number before any write; the rest is written", async () => {
    const t = table(() => "ok");
    const bare = JSON.stringify({ id: { S: "bare" } });
    const messages = [
      E.right({ messageId: "m0", body: encodeMessageBody([put("a", "1")]), replayed: true }),
      E.right({ messageId: "m1", body: bare, replayed: true }),
      message("m2", put("b", "1")),
    ];
    const refused = await replicateMessages(t.writer, "refuse")(messages, unboundedDeadline)();
    expect(refused).toEqual(
      E.right({
        failed: [],
        rejected: [
          {
            index: 0,
            error: expect.objectContaining({
              recordId: "m0",
              field: "messageAttributes.dynamodb-pipelines-replay",
              reason: expect.stringMatching(/VERSION_TABLE/),
            }),
          },
        ],
        unreadable: [0],
      }),
    );
    expect(t.written.flat().map((c) => c.source)).toEqual(["m1", "e-b-1"]);
    const applied = await replicateMessages(t.writer, "apply")(messages, unboundedDeadline)();
    expect(applied).toEqual(E.right({ failed: [], rejected: [], unreadable: [] }));
  });
});
