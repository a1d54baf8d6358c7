/**
 * Reads back what the deployable handlers report as rejected: on Lambda their reject sink
 * (adapters/aws/LogRejectSink.ts) writes one JSON line per record to standard error,
 * `{"level":"ERROR","rejected":true,"pipeline":…,"record":…,"field":…,"reason":…}`.
 */

/** One rejected record, as a handler logged it (the shape bin/printTable.ts `printRejects` takes). */
export interface LoggedReject {
  readonly pipeline: string;
  readonly error: { readonly recordId: string; readonly field: string; readonly reason: string };
  readonly identity: unknown;
}

const parseReject = (line: string): LoggedReject | undefined => {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (value.rejected !== true) return undefined;
    return {
      pipeline: String(value.pipeline),
      error: {
        recordId: String(value.record),
        field: String(value.field),
        reason: String(value.reason),
      },
      identity: value.identity,
    };
  } catch {
    return undefined;
  }
};

/**
 * Captures the reject lines written to `process.stderr` until `stop()`: they are collected in
 * `records` instead of printed; every other write goes through unchanged.
 *
 * @example
 * const log = captureRejectLog();
 * try { await handler(event, context); } finally { log.stop(); }
 * printRejects(log.records);
 */
export const captureRejectLog = () => {
  const original = process.stderr.write;
  const records: LoggedReject[] = [];
  const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text =
      typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    const kept = text.split("\n").filter((line) => {
      const reject = parseReject(line);
      if (reject !== undefined) records.push(reject);
      return reject === undefined;
    });
    if (kept.join("") === "") {
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }
    return (original as (...args: unknown[]) => boolean).call(
      process.stderr,
      kept.join("\n"),
      ...rest,
    );
  };
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    records: records as ReadonlyArray<LoggedReject>,
    /** Restores `process.stderr.write`. */
    stop: () => {
      process.stderr.write = original;
    },
  };
};
