import { PutObjectCommand } from "@aws-sdk/client-s3";
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import * as E from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import { createBucket, createQueueWithDlq } from "../../bin/emulatorResources.js";
import { decodeRejectDocument } from "../../domain/rejectDocument.js";
import { handler as csvToQueue } from "../../handlers/csvToQueue.js";
import { setHandlerEnvironment } from "../support/awsPipelines.js";
import { captureEmf, countsOf } from "../support/emfLog.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

/**
 * Line endings at the end of a CSV object, through the deployable csvToQueue handler configured
 * by environment variables only (QUEUE_URL, REJECT_DESTINATION), on moto S3 and SQS. An empty
 * last line holds no row whatever its line ending, so it is neither sent nor rejected (a reject
 * fires the pipeline's rejects alarm); a row with another line ending than the file's still is.
 */
describe("csvToQueue: an empty last line is not a row, whatever its line ending", () => {
  const c = emulatorClients();
  const bucket = uniqueName("uploads");
  let rowsUrl = "";
  let rejectsUrl = "";

  beforeAll(async () => {
    await createBucket(c.s3, bucket);
    rowsUrl = (await createQueueWithDlq(c.sqs, uniqueName("rows"), { maxReceiveCount: 5 })).url;
    rejectsUrl = (await createQueueWithDlq(c.sqs, uniqueName("rejects"), { maxReceiveCount: 5 }))
      .url;
    setHandlerEnvironment({ QUEUE_URL: rowsUrl, REJECT_DESTINATION: rejectsUrl });
  });

  /** Every message body now in the queue (received and deleted). */
  const drain = async (url: string): Promise<string[]> => {
    const bodies: string[] = [];
    for (let round = 0; round < 20; round++) {
      const { Messages = [] } = await c.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return bodies;
      bodies.push(...Messages.map((m) => m.Body ?? ""));
      await c.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    throw new Error(`${url} did not drain`);
  };

  /** Uploads `body`, invokes the handler on its notification: the rows sent, the rejects, the metric. */
  const load = async (body: string) => {
    const key = `${uniqueName("endings")}.csv`;
    const stored = await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const event = objectCreatedEvent(bucket, key, { etag: stored.ETag ?? "" });
    const emf = captureEmf();
    try {
      await csvToQueue(event, localContext("csvToQueue", 900_000));
    } finally {
      emf.stop();
    }
    const rows = (await drain(rowsUrl)).flatMap(
      (message) =>
        (JSON.parse(message) as { commands: { item: Record<string, { S: string }> }[] }).commands,
    );
    const rejects = (await drain(rejectsUrl)).map((text) => {
      const document = decodeRejectDocument(text);
      if (E.isLeft(document)) throw new Error(document.left.reason);
      return { line: document.right.recordId.replace(/^.*#L/, ""), reason: document.right.reason };
    });
    return {
      rows: rows.map(({ item }) => `${item.id?.S}=${item.name?.S}`),
      rejects,
      rejected: emf.documents.map((doc) => countsOf(doc).Rejected),
    };
  };

  it.each([
    ["an LF file ending in a blank CRLF line", "id,name\na,1\nb,2\n\r\n"],
    ["an LF file ending in blank CRLF lines", "id,name\na,1\nb,2\n\r\n\r\n"],
    ["an LF file ending in a lone CR", "id,name\na,1\nb,2\n\r"],
    ["a CRLF file ending in a blank LF line", "id,name\r\na,1\r\nb,2\r\n\n"],
    ["a CR file ending in a blank CRLF line", "id,name\ra,1\rb,2\r\r\n"],
  ])("%s: every row sent, nothing rejected, no Rejected count", async (_case, body) => {
    const loaded = await load(body);
    expect(loaded.rejects).toEqual([]);
    expect(loaded.rows.sort()).toEqual(["a=1", "b=2"]);
    expect(loaded.rejected).toEqual([0]);
  });

  it("a row with another line ending than the file's is still rejected; the empty last line is not", async () => {
    const loaded = await load("id,name\na,1\r\nb,2\n\r\n");
    expect(loaded.rejects).toEqual([
      { line: "2", reason: expect.stringContaining("mixed line endings") },
    ]);
    expect(loaded.rows).toEqual(["b=2"]);
    expect(loaded.rejected).toEqual([1]);
  });
});
