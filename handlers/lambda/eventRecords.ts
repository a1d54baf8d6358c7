import * as E from "fp-ts/lib/Either.js";
import { invalidRecord, toThrowable } from "../../domain/errors.js";
import type { RejectSink } from "../../ports/rejectSink.js";

/**
 * The records of a Lambda event, whatever the event holds: `event.Records` when it is an array.
 * An event that is not an object, has no `Records` (an empty object, another service's event, an
 * EventBridge event) or whose `Records` is not an array is reported to `rejects` (record
 * `"event"`) and has no records, so it is never dropped silently and never makes the handler
 * throw forever. The records themselves are as delivered: each handler decodes them one by one.
 *
 * @example
 * const records = await eventRecords(event, deps.rejects);
 */
export const eventRecords = async <R>(
  event: { readonly Records?: ReadonlyArray<R> | null } | null | undefined,
  rejects: RejectSink,
): Promise<ReadonlyArray<R>> => {
  const raw: unknown = event;
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    const records = (raw as { Records?: unknown }).Records;
    if (Array.isArray(records)) return records as ReadonlyArray<R>;
  }
  const problem =
    typeof raw === "object" && raw !== null && !Array.isArray(raw)
      ? invalidRecord(
          "event",
          "Records",
          (raw as { Records?: unknown }).Records === undefined
            ? "missing: not an event this function can read"
            : "not an array of records",
        )
      : invalidRecord("event", "$", "not an event object");
  const stored = await rejects.reject([
    { error: problem, identity: { type: describe(raw) }, original: raw },
  ])();
  // Not stored: the invocation fails (and is retried), the event is not dropped.
  if (E.isLeft(stored)) throw toThrowable(stored.left);
  return [];
};

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
