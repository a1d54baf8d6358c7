import { describe, expect, it } from "vitest";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import {
  InMemoryMessageSource,
  inMemorySqsSourceCalls,
} from "../../adapters/memory/InMemoryMessageSource.js";
import { InMemoryObjectFolder } from "../../adapters/memory/InMemoryObjectFolder.js";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import { queueUrlOfArn } from "../../adapters/shared/MessageSourceOverSqs.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { invalidRecord } from "../../domain/errors.js";
import { REPLAY_ATTRIBUTE } from "../../domain/redrivePlan.js";
import { encodeRejectDocument, rejectDocument } from "../../domain/rejectDocument.js";
import { type RedriveTargets, redrive } from "../../ports/useCases/redrive.js";
import { folderRedriveSource, queueRedriveSource } from "../../ports/useCases/redriveSources.js";
import { virtualClock } from "../support/sqs.js";

/**
 * The redrive use case on the in-memory SQS and S3 (the same adapters' code as on AWS): what
 * the binary tests cannot stage on moto — two redrives at once, a failing target, a document
 * that cannot be deleted.
 */
const setup = () => {
  const clock = virtualClock();
  const sqs = new InMemorySqs(clock.now);
  const dlq = sqs.createQueue("rows-dlq.fifo", { visibilityTimeoutSeconds: 30 });
  const input = sqs.createQueue("rows.fifo", { visibilityTimeoutSeconds: 30 });
  const targets: RedriveTargets = {
    directory: { urlOf: queueUrlOfArn(inMemorySqsSourceCalls(sqs)) },
    queueAt: (url) => new InMemoryMessageQueue(sqs, url, noWaitRetryEnv),
  };
  return { clock, sqs, dlq, input, targets };
};
const options = { dryRun: false, deadline: unboundedDeadline };

const queueToTableDocument = (messageId: string, field: string, body: string) =>
  encodeRejectDocument(
    rejectDocument(
      "queueToTable",
      invalidRecord(messageId, field, "key attribute is missing"),
      { messageId },
      {
        messageId,
        body,
        attributes: { MessageGroupId: "g" },
        messageAttributes: {},
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:rows.fifo",
      },
      "2026-11-30T00:00:00.000Z",
    ),
  );

describe("redrive use case (in memory)", () => {
  it("two redrives at once send each message once: a received message is invisible to the other", async () => {
    const { sqs, dlq, input, targets } = setup();
    for (let i = 0; i < 25; i++)
      sqs.sendBatch(dlq, [
        { id: "0", body: `m${i}`, groupId: `g${i % 4}`, deduplicationId: `${i}` },
      ]);
    const run = () =>
      redrive(
        queueRedriveSource(new InMemoryMessageSource(sqs, dlq), 300),
        { ...targets, to: input },
        options,
      )();
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.sent + b.sent).toBe(25);
    expect(a.read + b.read).toBe(25);
    expect(
      sqs
        .peek(input)
        .map((m) => m.body)
        .sort(),
    ).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
    expect(sqs.counts(dlq)).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it("marks every message it sends as a replay, keeping the message's own attributes (and its mark when replayed again)", async () => {
    const { sqs, dlq, input, targets } = setup();
    sqs.sendBatch(dlq, [
      {
        id: "0",
        body: "m",
        groupId: "g",
        deduplicationId: "d",
        attributes: { origin: { dataType: "String", stringValue: "csv" } },
      },
    ]);
    const source = () => queueRedriveSource(new InMemoryMessageSource(sqs, dlq), 300);
    expect(await redrive(source(), { ...targets, to: input }, options)()).toMatchObject({
      sent: 1,
    });
    const [replayed] = sqs.receive(input, 10);
    expect(replayed?.messageAttributes).toEqual({
      origin: expect.objectContaining({ dataType: "String", stringValue: "csv" }),
      [REPLAY_ATTRIBUTE]: expect.objectContaining({
        dataType: "String",
        stringValue: expect.any(String),
      }),
    });
    sqs.deleteMessage(replayed?.receiptHandle ?? "");
    // Dead-lettered again and replayed again: still one mark.
    sqs.sendBatch(dlq, [
      {
        id: "0",
        body: replayed?.body ?? "",
        groupId: "g",
        deduplicationId: "d2",
        attributes: { [REPLAY_ATTRIBUTE]: { dataType: "String", stringValue: "old" } },
      },
    ]);
    await redrive(source(), { ...targets, to: input }, options)();
    const [again] = sqs.receive(input, 10);
    expect(Object.keys(again?.messageAttributes ?? {})).toEqual([REPLAY_ATTRIBUTE]);
    expect(again?.messageAttributes[REPLAY_ATTRIBUTE]?.stringValue).not.toBe("old");
  });

  it("two documents of one message send it once; the documents go, the message is replayed", async () => {
    const { sqs, input, targets } = setup();
    const rejects = sqs.createQueue("rejects", { visibilityTimeoutSeconds: 30 });
    const body = '{"v":1,"commands":[]}';
    sqs.sendBatch(rejects, [
      { id: "0", body: queueToTableDocument("m-1", "commands[0].item.campo2", body) },
      { id: "1", body: queueToTableDocument("m-1", "commands[3].item.campo2", body) },
    ]);
    const summary = await redrive(
      queueRedriveSource(new InMemoryMessageSource(sqs, rejects), 300),
      targets,
      options,
    )();
    expect(summary).toMatchObject({ read: 2, sent: 2, notRedrivable: 0, failed: 0, problems: [] });
    expect(sqs.peek(input).map((m) => m.body)).toEqual([body]);
    expect(sqs.peek(rejects)).toEqual([]);
  });

  it("a message whose send failed stays in the source, visible again, and is reported", async () => {
    const { sqs, dlq, input, targets } = setup();
    sqs.sendBatch(dlq, [
      { id: "0", body: "ok", groupId: "a", deduplicationId: "1" },
      { id: "1", body: "refused", groupId: "b", deduplicationId: "2" },
    ]);
    sqs.fault = (operation) =>
      operation === "SendMessageBatch"
        ? {
            failEntry: (entry: { body: string }) =>
              entry.body === "refused" ? { code: "InternalError", senderFault: false } : undefined,
          }
        : undefined;
    const summary = await redrive(
      queueRedriveSource(new InMemoryMessageSource(sqs, dlq), 300),
      { ...targets, to: input },
      options,
    )();
    expect(summary).toMatchObject({ read: 2, sent: 1, failed: 1 });
    expect(summary.problems).toEqual([expect.objectContaining({ kind: "failed" })]);
    expect(sqs.peek(input).map((m) => m.body)).toEqual(["ok"]);
    expect(sqs.peek(dlq).map((m) => m.body)).toEqual(["refused"]);
    expect(sqs.counts(dlq)).toMatchObject({ visible: 1, inFlight: 0 });
  });

  it("an S3 prefix: documents sent are deleted, other objects are listed not redrivable and kept", async () => {
    const { sqs, input, targets } = setup();
    const s3 = new InMemoryObjectStore();
    s3.createBucket("ops");
    for (let i = 0; i < 13; i++)
      s3.put("ops", `rejects/queueToTable/${i}.json`, queueToTableDocument(`m-${i}`, "$", `b${i}`));
    s3.put("ops", "rejects/notes.txt", "not a document");
    s3.put("ops", "elsewhere/x.json", queueToTableDocument("m-x", "$", "x"));
    const summary = await redrive(
      folderRedriveSource(new InMemoryObjectFolder(s3), "ops", "rejects/"),
      targets,
      options,
    )();
    expect(summary).toMatchObject({ read: 14, sent: 13, notRedrivable: 1, failed: 0 });
    expect(summary.problems[0]).toMatchObject({ id: "s3://ops/rejects/notes.txt" });
    expect(sqs.peek(input)).toHaveLength(13);
    expect(s3.keys("ops")).toEqual(["elsewhere/x.json", "rejects/notes.txt"]);
  });

  it("a document sent but not deleted is reported, so a next run's duplicate is expected", async () => {
    const { sqs, input, targets } = setup();
    const s3 = new InMemoryObjectStore();
    s3.createBucket("ops");
    s3.put("ops", "rejects/a.json", queueToTableDocument("m-1", "$", "b"));
    s3.fault = (operation) => (operation === "DeleteObject" ? "InternalError" : undefined);
    const folder = new InMemoryObjectFolder(s3);
    const summary = await redrive(
      folderRedriveSource(folder, "ops", "rejects/"),
      targets,
      options,
    )();
    expect(summary).toMatchObject({ read: 1, sent: 1, failed: 0 });
    expect(summary.problems).toEqual([expect.objectContaining({ kind: "notRemoved" })]);
    expect(sqs.peek(input)).toHaveLength(1);
  });
});
