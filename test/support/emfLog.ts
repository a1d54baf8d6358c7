/**
 * Reads back the Embedded Metric Format lines a handler writes to standard output, and checks
 * each against AWS's specification ("Specification: Embedded metric format", CloudWatch User
 * Guide): a root object whose `_aws` member holds `Timestamp` (milliseconds since the epoch) and
 * `CloudWatchMetrics` (an array of directives: `Namespace` string, `Dimensions` an array of
 * arrays of at most 30 member names, `Metrics` an array of `{ Name, Unit? }`), every dimension
 * naming a root member whose value is a string and every metric a root member whose value is a
 * number or an array of numbers.
 */

/** One EMF document as written. */
export type EmfDocument = Record<string, unknown> & {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<ReadonlyArray<string>>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit?: string }>;
    }>;
  };
};

/** The CloudWatch units the specification allows (StandardUnit). */
const UNITS = new Set([
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "Bytes/Second",
  "Kilobytes/Second",
  "Megabytes/Second",
  "Gigabytes/Second",
  "Terabytes/Second",
  "Bits/Second",
  "Kilobits/Second",
  "Megabits/Second",
  "Gigabits/Second",
  "Terabits/Second",
  "Count/Second",
  "None",
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What is wrong with a parsed line as an EMF document (empty: nothing). */
export const emfProblems = (doc: unknown): string[] => {
  if (!isObject(doc)) return ["not a JSON object"];
  const aws = doc._aws;
  if (!isObject(aws)) return ["no _aws object"];
  const problems: string[] = [];
  if (typeof aws.Timestamp !== "number" || !Number.isInteger(aws.Timestamp))
    problems.push("_aws.Timestamp is not an integer (milliseconds)");
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0)
    return [...problems, "_aws.CloudWatchMetrics is not a non-empty array"];
  for (const directive of aws.CloudWatchMetrics as unknown[]) {
    if (!isObject(directive)) {
      problems.push("a directive is not an object");
      continue;
    }
    if (typeof directive.Namespace !== "string" || directive.Namespace === "")
      problems.push("Namespace is not a non-empty string");
    const dimensions = directive.Dimensions;
    if (!Array.isArray(dimensions)) problems.push("Dimensions is not an array");
    else
      for (const set of dimensions as unknown[]) {
        if (!Array.isArray(set) || set.length > 30) problems.push("a DimensionSet is invalid");
        else
          for (const name of set as unknown[])
            if (typeof name !== "string" || typeof doc[name] !== "string")
              problems.push(`dimension ${String(name)} is not a string member of the root`);
      }
    const metrics = directive.Metrics;
    if (!Array.isArray(metrics)) problems.push("Metrics is not an array");
    else
      for (const metric of metrics as unknown[]) {
        if (!isObject(metric) || typeof metric.Name !== "string") {
          problems.push("a MetricDefinition has no Name");
          continue;
        }
        if (metric.Unit !== undefined && !UNITS.has(String(metric.Unit)))
          problems.push(`metric ${metric.Name} has unit ${String(metric.Unit)}`);
        const value = doc[metric.Name];
        const numeric =
          typeof value === "number" ||
          (Array.isArray(value) && value.every((v) => typeof v === "number"));
        if (!numeric) problems.push(`metric ${metric.Name} is not a numeric member of the root`);
      }
  }
  return problems;
};

/**
 * Captures what is written to `process.stdout` until `stop()`: the lines that are EMF documents
 * (JSON with an `_aws` member) are collected in `documents` and not printed; every other write
 * goes through unchanged.
 */
export const captureEmf = () => {
  const original = process.stdout.write;
  const documents: EmfDocument[] = [];
  const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text =
      typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    const kept = text.split("\n").filter((line) => {
      if (!line.startsWith("{")) return true;
      try {
        const value: unknown = JSON.parse(line);
        if (!isObject(value) || !("_aws" in value)) return true;
        documents.push(value as EmfDocument);
        return false;
      } catch {
        return true;
      }
    });
    if (kept.join("") === "") {
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }
    return (original as (...args: unknown[]) => boolean).call(
      process.stdout,
      kept.join("\n"),
      ...rest,
    );
  };
  process.stdout.write = capture as typeof process.stdout.write;
  return {
    documents: documents as ReadonlyArray<EmfDocument>,
    /** Restores `process.stdout.write`. */
    stop: () => {
      process.stdout.write = original;
    },
  };
};

/**
 * The four counts of a document, by metric name (`undefined` for one it does not hold).
 */
export const countsOf = (doc: EmfDocument) => {
  const value = (name: string) => (typeof doc[name] === "number" ? doc[name] : undefined);
  return {
    Processed: value("Processed"),
    Rejected: value("Rejected"),
    Skipped: value("Skipped"),
    Retried: value("Retried"),
  };
};
