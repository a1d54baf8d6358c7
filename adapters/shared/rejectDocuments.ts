import { encodeRejectDocument, rejectDocument } from "../../domain/rejectDocument.js";
import type { RejectedRecord } from "../../ports/rejectSink.js";

/**
 * The JSON documents of rejected records (domain/rejectDocument.ts), stamped with `now`.
 * @example documentsOf("queueToTable", records, new Date().toISOString()) // ['{"format":…}']
 */
export const documentsOf = (
  entryPoint: string,
  records: ReadonlyArray<RejectedRecord>,
  now: string,
): string[] =>
  records.map(({ error, identity, original }) =>
    encodeRejectDocument(rejectDocument(entryPoint, error, identity, original, now)),
  );

/**
 * The clock of reject documents: the current time, ISO 8601 UTC.
 * @example const sink = new RejectSinkOverSqs(calls, url, "queueToTable", defaultRetryEnv, isoNow);
 */
export const isoNow = (): string => new Date().toISOString();
