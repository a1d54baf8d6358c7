/**
 * The CSV figure's two contenders on a file on disk: the real loader path (`loadCsvObject`:
 * streaming read, papaparse, schema validation, row ids, message packing, sends awaited) into a
 * queue that discards, and papaparse alone (`Papa.parse` on the file stream, `step` per row).
 */
import { createReadStream } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import Papa from "papaparse";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { MessageQueue } from "../../ports/messageQueue.js";
import type { ObjectStore } from "../../ports/objectStore.js";
import { type CsvLoadStats, loadCsvObject } from "../../ports/useCases/loadCsvObject.js";
import { benchCsvSchema } from "./generate.js";

/** An object store whose one object is a file, streamed in 64 KiB chunks as S3 bodies are. */
const fileObjectStore = (path: string): ObjectStore => ({
  open: () => TE.right({ body: createReadStream(path, { highWaterMark: 64 * 1024 }), etag: '"b"' }),
});

/** What a discarding queue saw. */
export interface QueueCounts {
  sends: number;
  messages: number;
  bodyBytes: number;
}

/**
 * A queue that accepts and drops every message; with `delayMs` each send takes that long, as a
 * slow or throttled SQS would, so the loader must hold the file back.
 * @example const { queue, counts } = discardingQueue(5);
 */
export const discardingQueue = (delayMs = 0): { queue: MessageQueue; counts: QueueCounts } => {
  const counts: QueueCounts = { sends: 0, messages: 0, bodyBytes: 0 };
  const queue: MessageQueue = {
    fifo: false,
    send: (messages) => async () => {
      counts.sends++;
      counts.messages += messages.length;
      for (const message of messages) counts.bodyBytes += message.body.length;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return E.right({ failed: [] });
    },
  };
  return { queue, counts };
};

/**
 * Loads the file through `loadCsvObject` (schema: bench/csv/generate.ts) into a discarding queue.
 * @example const { stats } = await loadFile("/tmp/products.csv", { rowsPerMessage: 25 });
 */
export const loadFile = async (
  path: string,
  options: { readonly rowsPerMessage: number; readonly delayMs?: number },
): Promise<{ readonly stats: CsvLoadStats; readonly counts: QueueCounts }> => {
  const { queue, counts } = discardingQueue(options.delayMs);
  let rejected = 0;
  const stats = await loadCsvObject(
    { bucket: "bench", key: "products.csv" },
    {
      objects: fileObjectStore(path),
      queue,
      rejects: {
        reject: (records) =>
          TE.fromIO(() => {
            rejected += records.length;
          }),
      },
      schema: benchCsvSchema,
      rowsPerMessage: options.rowsPerMessage,
    },
    unboundedDeadline,
  );
  if (rejected > 0) throw new Error(`the benchmark file should be valid: ${rejected} rejects`);
  return { stats, counts };
};

/**
 * Papaparse alone on the file stream (header row included in the count).
 * @example const rows = await papaparseFile("/tmp/products.csv");
 */
export const papaparseFile = (path: string): Promise<number> =>
  new Promise((resolve, reject) => {
    let rows = 0;
    Papa.parse(createReadStream(path, { highWaterMark: 64 * 1024 }), {
      step: () => {
        rows++;
      },
      complete: () => resolve(rows),
      error: reject,
    });
  });
