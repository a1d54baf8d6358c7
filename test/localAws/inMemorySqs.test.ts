import { describe, expect, it } from "vitest";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { virtualClock } from "../support/sqs.js";

const setup = () => {
  const clock = virtualClock();
  const sqs = new InMemorySqs(clock.now);
  return { clock, sqs };
};

const bodies = (records: ReadonlyArray<{ body: string }>) => records.map((r) => r.body);

describe("InMemorySqs standard queues", () => {
  it("delivers Lambda-shaped records and hides them for the visibility timeout", () => {
    const { clock, sqs } = setup();
    const url = sqs.createQueue("q", { visibilityTimeoutSeconds: 30 });
    expect(url).toBe("https://sqs.us-east-1.amazonaws.com/000000000000/q");
    sqs.sendBatch(url, [{ id: "a", body: "one" }]);
    const [record] = sqs.receive("q", 10);
    expect(record).toMatchObject({
      body: "one",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:q",
      attributes: { ApproximateReceiveCount: "1" },
    });
    expect(sqs.counts("q")).toMatchObject({ visible: 0, inFlight: 1 });
    expect(sqs.receive("q", 10)).toEqual([]);
    clock.advance(29_999);
    expect(sqs.receive("q", 10)).toEqual([]);
    clock.advance(1);
    const [again] = sqs.receive("q", 10);
    expect(again?.messageId).toBe(record?.messageId);
    expect(again?.attributes.ApproximateReceiveCount).toBe("2");
  });

  it("keeps message attributes, delivered in Lambda's shape, through a dead-letter move; refuses more than 10", () => {
    const { sqs } = setup();
    sqs.createQueue("dlq", { visibilityTimeoutSeconds: 0 });
    sqs.createQueue("q", {
      visibilityTimeoutSeconds: 0,
      redrive: { deadLetterQueue: "dlq", maxReceiveCount: 1 },
    });
    const attributes = {
      origin: { dataType: "String", stringValue: "csv" },
      raw: { dataType: "Binary", binaryValue: "AAH/" },
    };
    sqs.sendBatch("q", [{ id: "a", body: "one", attributes }]);
    const lambdaShape = {
      origin: {
        dataType: "String",
        stringValue: "csv",
        stringListValues: [],
        binaryListValues: [],
      },
      raw: { dataType: "Binary", binaryValue: "AAH/", stringListValues: [], binaryListValues: [] },
    };
    expect(sqs.receive("q", 10)[0]?.messageAttributes).toEqual(lambdaShape);
    expect(sqs.receive("q", 10)).toEqual([]);
    expect(sqs.receive("dlq", 10)[0]?.messageAttributes).toEqual(lambdaShape);
    const eleven = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`a${i}`, { dataType: "String", stringValue: "x" }]),
    );
    expect(sqs.sendBatch("q", [{ id: "b", body: "two", attributes: eleven }]).failed).toEqual([
      expect.objectContaining({ id: "b", code: "InvalidParameterValue", senderFault: true }),
    ]);
  });

  it("deletes with the latest receipt handle only", () => {
    const { clock, sqs } = setup();
    sqs.createQueue("q", { visibilityTimeoutSeconds: 10 });
    sqs.sendBatch("q", [{ id: "a", body: "one" }]);
    const [first] = sqs.receive("q");
    clock.advance(10_000);
    const [second] = sqs.receive("q");
    expect(sqs.deleteMessage(first?.receiptHandle ?? "")).toBe(false);
    expect(sqs.counts("q")).toMatchObject({ inFlight: 1 });
    expect(sqs.deleteMessage(second?.receiptHandle ?? "")).toBe(true);
    expect(sqs.counts("q")).toMatchObject({ visible: 0, inFlight: 0 });
    expect(() => sqs.deleteMessage("made-up")).toThrow(
      expect.objectContaining({ name: "ReceiptHandleIsInvalid" }),
    );
  });

  it("receives at most max messages", () => {
    const { sqs } = setup();
    sqs.createQueue("q", { visibilityTimeoutSeconds: 10 });
    sqs.sendBatch(
      "q",
      Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, body: String(i) })),
    );
    expect(sqs.receive("q", 3)).toHaveLength(3);
    expect(sqs.receive("q", 10)).toHaveLength(7);
    expect(() => sqs.receive("q", 11)).toThrow(/MaxNumberOfMessages/);
  });

  it("enforces SendMessageBatch's limits", () => {
    const { sqs } = setup();
    sqs.createQueue("q", { visibilityTimeoutSeconds: 10 });
    const entry = (id: string, body = "x") => ({ id, body });
    const nameOf = (f: () => unknown) => {
      try {
        f();
        return "none";
      } catch (error) {
        return (error as Error).name;
      }
    };
    expect(nameOf(() => sqs.sendBatch("q", []))).toBe("EmptyBatchRequest");
    expect(
      nameOf(() =>
        sqs.sendBatch(
          "q",
          Array.from({ length: 11 }, (_, i) => entry(`e${i}`)),
        ),
      ),
    ).toBe("TooManyEntriesInBatchRequest");
    expect(nameOf(() => sqs.sendBatch("q", [entry("a"), entry("a")]))).toBe(
      "BatchEntryIdsNotDistinct",
    );
    expect(nameOf(() => sqs.sendBatch("q", [entry("a b")]))).toBe("InvalidBatchEntryId");
    expect(
      nameOf(() =>
        sqs.sendBatch("q", [entry("a", "x".repeat(200_000)), entry("b", "y".repeat(70_000))]),
      ),
    ).toBe("BatchRequestTooLong");
    expect(nameOf(() => sqs.sendBatch("nope", [entry("a")]))).toBe("QueueDoesNotExist");
    expect(sqs.counts("q")).toMatchObject({ visible: 0 });
  });

  it("moves a message to the dead-letter queue when its receive count exceeds maxReceiveCount", () => {
    const { clock, sqs } = setup();
    sqs.createQueue("dlq", { visibilityTimeoutSeconds: 10 });
    sqs.createQueue("q", {
      visibilityTimeoutSeconds: 10,
      redrive: { deadLetterQueue: "dlq", maxReceiveCount: 2 },
    });
    sqs.sendBatch("q", [{ id: "a", body: "poison" }]);
    expect(sqs.receive("q")).toHaveLength(1);
    clock.advance(10_000);
    expect(sqs.receive("q")).toHaveLength(1);
    clock.advance(10_000);
    expect(sqs.receive("q")).toEqual([]);
    expect(sqs.counts("q")).toEqual({ visible: 0, inFlight: 0, redriven: 1 });
    const [dead] = sqs.receive("dlq");
    expect(dead?.body).toBe("poison");
    expect(dead?.attributes.DeadLetterQueueSourceArn).toBe("arn:aws:sqs:us-east-1:000000000000:q");
  });

  it("refuses a dead-letter queue of the other type", () => {
    const { sqs } = setup();
    sqs.createQueue("dlq.fifo", { visibilityTimeoutSeconds: 10 });
    expect(() =>
      sqs.createQueue("q", {
        visibilityTimeoutSeconds: 10,
        redrive: { deadLetterQueue: "dlq.fifo", maxReceiveCount: 2 },
      }),
    ).toThrow(/same type/);
  });

  it("fails chosen entries or whole calls through the fault hook", () => {
    const { sqs } = setup();
    sqs.createQueue("q", { visibilityTimeoutSeconds: 10 });
    sqs.fault = () => ({
      failEntry: (entry) =>
        entry.id === "b" ? { code: "InternalError", senderFault: false } : undefined,
    });
    const result = sqs.sendBatch("q", [
      { id: "a", body: "1" },
      { id: "b", body: "2" },
      { id: "c", body: "3" },
    ]);
    expect(result.successful.map((s) => s.id)).toEqual(["a", "c"]);
    expect(result.failed).toEqual([
      { id: "b", code: "InternalError", message: "injected InternalError", senderFault: false },
    ]);
    sqs.fault = (operation) => (operation === "ReceiveMessage" ? "RequestThrottled" : undefined);
    expect(() => sqs.receive("q")).toThrow(expect.objectContaining({ name: "RequestThrottled" }));
    sqs.fault = undefined;
    expect(bodies(sqs.receive("q"))).toEqual(["1", "3"]);
  });
});

describe("InMemorySqs FIFO queues", () => {
  const fifo = () => {
    const s = setup();
    s.sqs.createQueue("q.fifo", { visibilityTimeoutSeconds: 30 });
    return s;
  };
  const entry = (id: string, groupId: string, body = id) => ({
    id,
    body,
    groupId,
    deduplicationId: `d-${id}`,
  });

  it("requires a FIFO name and a group id", () => {
    const { sqs } = fifo();
    expect(() => sqs.createQueue("plain", { fifo: true, visibilityTimeoutSeconds: 1 })).toThrow(
      /\.fifo/,
    );
    const result = sqs.sendBatch("q.fifo", [{ id: "a", body: "x", deduplicationId: "d" }]);
    expect(result.failed).toEqual([
      expect.objectContaining({ code: "MissingParameter", senderFault: true }),
    ]);
  });

  it("delivers a group in order and none of it while one of its messages is in flight", () => {
    const { clock, sqs } = fifo();
    sqs.sendBatch("q.fifo", [entry("a1", "A"), entry("b1", "B"), entry("a2", "A")]);
    sqs.sendBatch("q.fifo", [entry("a3", "A")]);
    const first = sqs.receive("q.fifo", 2);
    expect(bodies(first)).toEqual(["a1", "b1"]);
    expect(first[0]?.attributes.MessageGroupId).toBe("A");
    expect(sqs.receive("q.fifo", 10)).toEqual([]);
    sqs.deleteMessage(first[1]?.receiptHandle ?? "");
    expect(sqs.receive("q.fifo", 10)).toEqual([]);
    sqs.deleteMessage(first[0]?.receiptHandle ?? "");
    const next = sqs.receive("q.fifo", 10);
    expect(bodies(next)).toEqual(["a2", "a3"]);
    clock.advance(30_000);
    expect(bodies(sqs.receive("q.fifo", 1))).toEqual(["a2"]);
    const sequence = (i: number) => BigInt(next[i]?.attributes.SequenceNumber ?? "0");
    expect(sequence(1) > sequence(0)).toBe(true);
  });

  it("drops a message whose deduplication id was seen in the last 5 minutes", () => {
    const { clock, sqs } = fifo();
    const first = sqs.sendBatch("q.fifo", [entry("a", "G", "v1")]);
    clock.advance(60_000);
    const again = sqs.sendBatch("q.fifo", [entry("a", "G", "v1 again")]);
    expect(again.successful[0]?.messageId).toBe(first.successful[0]?.messageId);
    expect(sqs.peek("q.fifo").map((m) => m.body)).toEqual(["v1"]);
    clock.advance(5 * 60_000);
    sqs.sendBatch("q.fifo", [entry("a", "G", "v1 later")]);
    expect(sqs.peek("q.fifo").map((m) => m.body)).toEqual(["v1", "v1 later"]);
  });

  it("deduplicates on content when the queue says so", () => {
    const { sqs } = setup();
    sqs.createQueue("c.fifo", { visibilityTimeoutSeconds: 1, contentBasedDeduplication: true });
    sqs.sendBatch("c.fifo", [
      { id: "a", body: "same", groupId: "G" },
      { id: "b", body: "same", groupId: "G" },
    ]);
    expect(sqs.peek("c.fifo")).toHaveLength(1);
  });

  it("fails the later entries of a group whose entry failed in the same batch", () => {
    const { sqs } = fifo();
    sqs.fault = () => ({
      failEntry: (e) => (e.id === "a1" ? { code: "InternalError", senderFault: false } : undefined),
    });
    const result = sqs.sendBatch("q.fifo", [entry("a1", "A"), entry("b1", "B"), entry("a2", "A")]);
    expect(result.failed.map((f) => f.id)).toEqual(["a1", "a2"]);
    expect(sqs.peek("q.fifo").map((m) => m.body)).toEqual(["b1"]);
  });

  it("redrives the head of a group and then delivers the rest of it", () => {
    const { clock, sqs } = setup();
    sqs.createQueue("dlq.fifo", { visibilityTimeoutSeconds: 10 });
    sqs.createQueue("q.fifo", {
      visibilityTimeoutSeconds: 10,
      redrive: { deadLetterQueue: "dlq.fifo", maxReceiveCount: 1 },
    });
    sqs.sendBatch("q.fifo", [entry("a1", "A"), entry("a2", "A")]);
    expect(bodies(sqs.receive("q.fifo", 1))).toEqual(["a1"]);
    clock.advance(10_000);
    expect(bodies(sqs.receive("q.fifo", 10))).toEqual(["a2"]);
    expect(bodies(sqs.receive("dlq.fifo", 10))).toEqual(["a1"]);
  });
});
