import { basename } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import { DynamoDbTableScanner } from "../../adapters/aws/DynamoDbTableScanner.js";
import { DynamoDbTableWriter } from "../../adapters/aws/DynamoDbTableWriter.js";
import { describeError } from "../../domain/errors.js";
import { loadCsvIntoTable } from "../../ports/useCases/loadCsvIntoTable.js";
import { retriedByTheLibrary } from "../lambda/clientConfig.js";
import { EXIT_FAILED, EXIT_FOUND_WRONG, EXIT_OK } from "./cliIo.js";
import { type Command, optionalFlag, requiredFlag } from "./command.js";
import {
  appendRejects,
  clearCheckpoint,
  loadSchema,
  openCsv,
  readCheckpoint,
  writeCheckpoint,
} from "./loadCsvState.js";
import { progress } from "./progress.js";

/** Exit status of a load stopped by Ctrl-C (128 + SIGINT), resumable from its checkpoint. */
const EXIT_INTERRUPTED = 130;

/** Counts the bytes of a body as they are read. */
async function* counted(body: AsyncIterable<Uint8Array>, onBytes: (n: number) => void) {
  for await (const chunk of body) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}

/**
 * `load-csv`: streams a CSV (local file or S3 object) into an existing table with BatchWriteItem,
 * keyed by the table's key schema; bad rows go to a report file; resumable from a checkpoint.
 * @example await runCli(["load-csv", "ejemplo.csv", "--table", "target"], io)
 */
export const loadCsvCommand: Command = {
  name: "load-csv",
  summary: "stream a CSV (file or s3://) into an existing table, with a report of bad rows",
  usage: `Usage: dynamodb-pipelines load-csv <file|s3://bucket/key> --table <name> [--schema <json-file>]

Streams the CSV into an EXISTING table (DynamoDB's import only creates new ones): the header
names the attributes, every row is a Put (BatchWriteItem, 25 per call, unprocessed items and
throttling retried), keyed by the table's key schema (DescribeTable). Rows that cannot be read
or converted, and items the table refuses, go to the report (line,field,reason) and are counted.
Memory stays bounded whatever the file's size. Re-running writes the same items again
(idempotent). After an interruption (Ctrl-C, a crash, AWS failing) the next run resumes after
the last line fully written, from the checkpoint file; a finished load removes it.

  --table <name>         the existing target table
  --schema <json-file>   { "columns": { "campo3": "number", "campo4": "boolean" }, "emptyAs": … }
                         (the CSV_SCHEMA of csvToQueue; "key" may be left out: the table's is used)
  --report <file>        bad rows as CSV (default <file name>.rejects.csv)
  --checkpoint <file>    progress of this load (default <file name>.checkpoint.json)
  --restart              ignore the checkpoint and load from the first row
  --concurrency <n>      writes in flight (default 4)
  --json                 one JSON summary on stdout
Exit status 1 when a row was rejected, 130 when interrupted (resume by running it again).`,
  positionals: 1,
  options: {
    table: { type: "string" },
    schema: { type: "string" },
    report: { type: "string" },
    checkpoint: { type: "string" },
    restart: { type: "boolean" },
    concurrency: { type: "string" },
  },
  run: async (flags, positionals, io) => {
    const fail = (message: string) => {
      io.err(`load-csv: ${message}`);
      return EXIT_FAILED;
    };
    const location = positionals[0];
    if (location === undefined) return fail("the CSV to load (<file|s3://bucket/key>) is required");
    const table = requiredFlag(flags, "table");
    if (E.isLeft(table)) return fail(table.left);
    const concurrency = Number(optionalFlag(flags, "concurrency") ?? "4");
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      return fail("--concurrency must be a whole number from 1 to 64");
    const name = basename(location);
    const reportPath = optionalFlag(flags, "report") ?? `${name}.rejects.csv`;
    const checkpointPath = optionalFlag(flags, "checkpoint") ?? `${name}.checkpoint.json`;

    const client = new DynamoDBClient(retriedByTheLibrary);
    const description = await new DynamoDbTableScanner(client, table.right).describe()();
    if (E.isLeft(description)) return fail(describeError(description.left));
    const schema = await loadSchema(optionalFlag(flags, "schema"), description.right.keys);
    if (E.isLeft(schema)) return fail(schema.left);
    const source = await openCsv(location);
    if (E.isLeft(source)) return fail(source.left);
    const identity = { source: location, table: table.right, identity: source.right.identity };
    const resumeAfter =
      flags.restart === true ? E.right(0) : await readCheckpoint(checkpointPath, identity);
    if (E.isLeft(resumeAfter)) return fail(resumeAfter.left);
    if (resumeAfter.right > 0) io.err(`load-csv: resuming after line ${resumeAfter.right}`);

    let stop = false;
    const onInterrupt = () => {
      if (stop) process.exit(EXIT_INTERRUPTED);
      stop = true;
      io.err("load-csv: stopping after the writes in flight (Ctrl-C again to quit now)");
    };
    process.on("SIGINT", onInterrupt);
    process.on("SIGTERM", onInterrupt);
    let bytes = 0;
    let fresh = resumeAfter.right === 0;
    const bar = progress(io, `load ${name}`, source.right.size);
    const result = await loadCsvIntoTable(
      {
        table: new DynamoDbTableWriter(client, table.right),
        schema: schema.right,
        rowId: source.right.rowId,
        resumeAfterLine: resumeAfter.right,
        concurrency,
        shouldStop: () => stop,
        onDone: async (rejected, stats) => {
          await appendRejects(reportPath, rejected, fresh);
          fresh = false;
          await writeCheckpoint(checkpointPath, { ...identity, line: stats.lastLine });
          bar.update(stats.written + stats.rejected, bytes);
        },
      },
      counted(source.right.body, (n) => {
        bytes += n;
      }),
    )();
    bar.finish();
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
    if (E.isLeft(result))
      return fail(`${describeError(result.left)} (resumable: run the same command again)`);
    if (fresh) await appendRejects(reportPath, [], true);
    const stats = result.right;
    if (!stats.stopped) await clearCheckpoint(checkpointPath);
    const summary = { source: location, table: table.right, report: reportPath, ...stats };
    if (flags.json === true) io.out(JSON.stringify(summary));
    else
      io.out(
        `${stats.written} rows written, ${stats.rejected} rejected (${reportPath}), ${stats.skipped} skipped (done before)${stats.stopped ? `; stopped after line ${stats.lastLine}, run again to resume` : ""}`,
      );
    if (stats.stopped) return EXIT_INTERRUPTED;
    return stats.rejected > 0 ? EXIT_FOUND_WRONG : EXIT_OK;
  },
};
