import * as E from "fp-ts/lib/Either.js";
import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import { describe, expect, it } from "vitest";
import type { PipelineError } from "../../domain/errors.js";
import type { MessageSource, QueueDirectory, ReceivedMessage } from "../../ports/messageSource.js";

/**
 * A queue under test: the source reading it, a way to put messages in, and the queue's ARN and
 * URL for the directory.
 * @example const { source, put } = await fixture({ fifo: true });
 */
export interface MessageSourceFixture {
  readonly source: MessageSource;
  readonly directory: QueueDirectory;
  readonly arn: string;
  readonly url: string;
  /** SendMessage of each body (FIFO: in group `g`, deduplicated by position). */
  readonly put: (bodies: ReadonlyArray<string>) => Promise<void>;
  /** A source on a queue that does not exist, and that queue's ARN. */
  readonly missing: { readonly source: MessageSource; readonly arn: string };
}

const right = async <A>(task: TaskEither<PipelineError, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) throw new Error(`failed: ${JSON.stringify(result.left)}`);
  return result.right;
};

const receiveAll = async (source: MessageSource, visibility: number) => {
  const out: ReceivedMessage[] = [];
  for (let round = 0; round < 20; round++) {
    const batch = await right(source.receive(10, visibility));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
  return out;
};

/**
 * The MessageSource / QueueDirectory contract, run against every adapter (in memory, and SQS on
 * moto_server). `fixture({ fifo })` returns a fresh, empty queue of that type.
 * @example messageSourceContract("InMemoryMessageSource", async ({ fifo }) => fixture(fifo));
 */
export const messageSourceContract = (
  name: string,
  fixture: (options: { readonly fifo: boolean }) => Promise<MessageSourceFixture>,
) =>
  describe(`MessageSource contract: ${name}`, () => {
    it("receives each message once while it is in flight; delete removes it for good", async () => {
      const { source, put } = await fixture({ fifo: false });
      expect(source.fifo).toBe(false);
      const bodies = Array.from({ length: 13 }, (_, i) => `{"n":${i}}`);
      await put(bodies);
      const received = await receiveAll(source, 60);
      expect(received.map((m) => m.body).sort()).toEqual([...bodies].sort());
      expect(new Set(received.map((m) => m.id)).size).toBe(13);
      expect(await right(source.receive(10, 60))).toEqual([]);
      expect(await right(source.delete(received))).toEqual([]);
      expect(await right(source.release(received.slice(0, 1)))).toEqual([
        (received[0] as ReceivedMessage).id,
      ]);
    });

    it("release makes a message visible again at once, with a new receipt handle", async () => {
      const { source, put } = await fixture({ fifo: false });
      await put(["kept"]);
      const [first] = await right(source.receive(10, 60));
      expect(first?.body).toBe("kept");
      expect(await right(source.release([first as ReceivedMessage]))).toEqual([]);
      const again = await right(source.receive(10, 60));
      expect(again.map((m) => [m.id, m.body])).toEqual([[first?.id, "kept"]]);
      expect(again[0]?.receiptHandle).not.toBe(first?.receiptHandle);
      expect(await right(source.delete(again))).toEqual([]);
    });

    it("gives a FIFO message's group, in order", async () => {
      const { source, put } = await fixture({ fifo: true });
      expect(source.fifo).toBe(true);
      await put(["a", "b", "c"]);
      const received = await receiveAll(source, 60);
      expect(received.map((m) => [m.body, m.groupId])).toEqual([
        ["a", "g"],
        ["b", "g"],
        ["c", "g"],
      ]);
    });

    it("finds a queue's URL from its ARN", async () => {
      const { directory, arn, url } = await fixture({ fifo: false });
      expect(await right(directory.urlOf(arn))).toBe(url);
    });

    it("reports a missing queue as a Configuration error, in receive and in the directory", async () => {
      const { directory, missing } = await fixture({ fifo: false });
      const received = await missing.source.receive(10, 60)();
      expect(received).toEqual(E.left(expect.objectContaining({ _tag: "Configuration" })));
      const url = await directory.urlOf(missing.arn)();
      expect(url).toEqual(E.left(expect.objectContaining({ _tag: "Configuration" })));
      const bad = await directory.urlOf("arn:aws:s3:::bucket")();
      expect(bad).toEqual(E.left(expect.objectContaining({ _tag: "Configuration" })));
    });
  });
