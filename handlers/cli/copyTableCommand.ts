import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import { DynamoDbTableScanner } from "../../adapters/aws/DynamoDbTableScanner.js";
import { DynamoDbTableWriter } from "../../adapters/aws/DynamoDbTableWriter.js";
import { applyMapping, type Mapping, mappingsFromJson } from "../../domain/applyMapping.js";
import { canonicalKey, itemSize, keyOf } from "../../domain/attributeValue.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { describeError, type PipelineError } from "../../domain/errors.js";
import { lastPerKey, type PutCommand } from "../../domain/writeCommand.js";
import { retriedByTheLibrary } from "../lambda/clientConfig.js";
import { capacityPacer } from "./capacityPacer.js";
import { EXIT_FAILED, EXIT_FOUND_WRONG, EXIT_OK, readText } from "./cliIo.js";
import { type Command, optionalFlag, requiredFlag } from "./command.js";
import { progress } from "./progress.js";

/** Rejected items listed by name before the rest are only counted. */
const REJECTS_SHOWN = 20;

/**
 * `copy-table`: seed 001's Glue job done directly: parallel Scan segments, the domain's
 * ApplyMapping on every item, BatchWriteItem through the table writer, paced to a share of the
 * tables' provisioned capacity.
 * @example await runCli(["copy-table", "--source", "api_pagos", "--target", "api_pos_backup"], io)
 */
export const copyTableCommand: Command = {
  name: "copy-table",
  summary: "copy a table through an ApplyMapping, without a Glue job (seed 001)",
  usage: `Usage: dynamodb-pipelines copy-table --source <table> --target <table> [--mapping <json-file>] [--rate <fraction>]

Scans --source (parallel segments, consistent reads), applies the mapping file's ApplyMapping
tuples to every item (domain/applyMapping.ts, the offline Glue runner's), and puts the results
into --target (BatchWriteItem, unprocessed items retried). Without --mapping items are copied
as they are. An item the mapping cannot cast, or whose result lacks the target's key, is
rejected, listed and counted. Re-running overwrites with the same items.

  --source <table>       table read
  --target <table>       existing table written
  --mapping <json-file>  [["atributo1","string","atributo1_destino","string"], …]
  --rate <fraction>      share of the provisioned read/write capacity to use (default 0.5);
                         on-demand tables are not paced
  --segments <n>         parallel Scan segments (default 4)
  --json                 one JSON summary on stdout
Exit status 1 when an item was rejected.`,
  options: {
    source: { type: "string" },
    target: { type: "string" },
    mapping: { type: "string" },
    rate: { type: "string" },
    segments: { type: "string" },
  },
  run: async (flags, _positionals, io) => {
    const fail = (message: string) => {
      io.err(`copy-table: ${message}`);
      return EXIT_FAILED;
    };
    const source = requiredFlag(flags, "source");
    if (E.isLeft(source)) return fail(source.left);
    const target = requiredFlag(flags, "target");
    if (E.isLeft(target)) return fail(target.left);
    const rate = Number(optionalFlag(flags, "rate") ?? "0.5");
    if (!(rate > 0 && rate <= 1)) return fail("--rate must be a fraction in (0, 1]");
    const segments = Number(optionalFlag(flags, "segments") ?? "4");
    if (!Number.isInteger(segments) || segments < 1 || segments > 1_000_000)
      return fail("--segments must be a whole number from 1 to 1,000,000");
    let mappings: ReadonlyArray<Mapping> | undefined;
    const mappingPath = optionalFlag(flags, "mapping");
    if (mappingPath !== undefined) {
      const text = await readText(mappingPath);
      const parsed = E.isLeft(text) ? text : mappingsFromJson(text.right);
      if (E.isLeft(parsed)) return fail(`${mappingPath}: ${parsed.left}`);
      mappings = parsed.right;
    }

    const client = new DynamoDBClient(retriedByTheLibrary);
    const scanner = new DynamoDbTableScanner(client, source.right);
    const from = await scanner.describe()();
    if (E.isLeft(from)) return fail(describeError(from.left));
    const to = await new DynamoDbTableScanner(client, target.right).describe()();
    if (E.isLeft(to)) return fail(describeError(to.left));
    const [pk, sk] = to.right.keys;
    if (pk === undefined) return fail(`table ${target.right} has no key schema`);
    const targetKey =
      sk === undefined ? { partitionKey: pk.name } : { partitionKey: pk.name, sortKey: sk.name };
    const sourceKeys = from.right.keys.map((key) => key.name);
    const pacer = capacityPacer(rate, from.right.readCapacity, to.right.writeCapacity);
    const writer = new DynamoDbTableWriter(client, target.right);

    let read = 0;
    let written = 0;
    const rejected: string[] = [];
    let failure: PipelineError | undefined;
    const bar = progress(io, `copy ${source.right}`, from.right.itemCount);
    const scanned = await scanner.scan({
      segments,
      onPage: async (items) => {
        if (failure !== undefined) return;
        read += items.length;
        const commands: PutCommand[] = [];
        let readBytes = 0;
        let writeUnits = 0;
        for (const item of items) {
          readBytes += itemSize(item);
          const id = canonicalKey(
            Object.fromEntries(sourceKeys.flatMap((n) => (item[n] ? [[n, item[n]]] : []))),
          );
          const mapped = mappings === undefined ? E.right(item) : applyMapping(mappings, item, id);
          if (E.isLeft(mapped)) {
            rejected.push(describeError(mapped.left));
            continue;
          }
          const key = keyOf(mapped.right, targetKey);
          if (key === undefined) {
            rejected.push(`record ${id}: the mapped item lacks the key of ${target.right}`);
            continue;
          }
          writeUnits += Math.ceil(itemSize(mapped.right) / 1024);
          commands.push({ op: "put", key, item: mapped.right, source: id });
        }
        await pacer.pace(Math.ceil(readBytes / 4096), writeUnits);
        const report = await writer.write(lastPerKey(commands), unboundedDeadline)();
        if (E.isLeft(report)) {
          failure = report.left;
          return;
        }
        for (const failed of report.right.failed)
          rejected.push(`${failed.command.source}: ${describeError(failed.error)}`);
        written += commands.length - report.right.failed.length;
        bar.update(read);
      },
    })();
    bar.finish();
    const stopped = E.isLeft(scanned) ? scanned.left : failure;
    if (stopped !== undefined)
      return fail(`${describeError(stopped)} (run it again: puts are idempotent)`);
    if (flags.json === true) io.out(JSON.stringify({ read, written, rejected }));
    else {
      for (const line of rejected.slice(0, REJECTS_SHOWN)) io.out(`rejected: ${line}`);
      if (rejected.length > REJECTS_SHOWN) io.out(`… and ${rejected.length - REJECTS_SHOWN} more`);
      io.out(`${read} items read, ${written} written, ${rejected.length} rejected`);
    }
    return rejected.length === 0 ? EXIT_OK : EXIT_FOUND_WRONG;
  },
};
