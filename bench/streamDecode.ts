/**
 * Figure 1: stream decode + aggregate deltas per record, from the event's JSON text (as the
 * Lambda runtime receives it) to the deltas of every record, against
 * - the no-validation path: `JSON.parse` + `@aws-sdk/util-dynamodb` `unmarshall` of the images +
 *   the seed's delta (day, item, `Number(quantity)`), what a hand-written handler does;
 * - Powertools' parser: `DynamoDBStreamSchema.parse` (zod; it unmarshalls Keys and images) + the
 *   same delta.
 * Same events for all three (Zipf orders, 30 % MODIFY, 10 % REMOVE, batches of 100).
 *
 * Run alone: npx tsx bench/streamDecode.ts
 */
import { DynamoDBStreamSchema } from "@aws-lambda-powertools/parser/schemas/dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { deltasOf } from "../domain/aggregateDeltas.js";
import { seedAggregateSpec } from "../domain/aggregateSpec.js";
import { decodeChangeRecord } from "../domain/streamRecord.js";
import { compare, envInt, type FigureResult, printFigure, sink } from "./harness.js";
import { batchesOf, orderStreamRecords } from "./workload.js";

type Plain = Record<string, unknown>;

/** The seed's delta from an unmarshalled image (total key, signed amount): no validation. */
const naiveDelta = (image: Plain | undefined, sign: number): number => {
  if (image === undefined || image.quantity === undefined) return 0;
  const key = `${String(image.order_date).slice(0, 10)}#${String(image.item_id)}`;
  return key.length + sign * Number(image.quantity);
};

/** Ours: shallow io-ts envelope, attributes checked where read, exact decimal deltas. */
const ours = (texts: ReadonlyArray<string>) => () => {
  let n = 0;
  for (const text of texts) {
    const event = JSON.parse(text) as { Records: unknown[] };
    event.Records.forEach((raw, index) => {
      const change = decodeChangeRecord(raw, index);
      if (change._tag === "Right") n += deltasOf(seedAggregateSpec, change.right).deltas.length;
    });
  }
  sink.value += n;
};

/** JSON.parse + unmarshall of the images + the seed's delta. */
const unvalidated = (texts: ReadonlyArray<string>) => () => {
  let n = 0;
  for (const text of texts) {
    const event = JSON.parse(text) as DynamoDBStreamEvent;
    for (const record of event.Records) {
      const images = record.dynamodb ?? {};
      const newImage = images.NewImage ? unmarshall(images.NewImage as never) : undefined;
      const oldImage = images.OldImage ? unmarshall(images.OldImage as never) : undefined;
      n += naiveDelta(newImage, 1) + naiveDelta(oldImage, -1);
    }
  }
  sink.value += n;
};

/** Powertools: DynamoDBStreamSchema.parse (zod, unmarshalls) + the seed's delta. */
const powertools = (texts: ReadonlyArray<string>) => () => {
  let n = 0;
  for (const text of texts) {
    const event = DynamoDBStreamSchema.parse(JSON.parse(text));
    for (const record of event.Records) {
      const images = record.dynamodb as { NewImage?: Plain; OldImage?: Plain };
      n += naiveDelta(images.NewImage, 1) + naiveDelta(images.OldImage, -1);
    }
  }
  sink.value += n;
};

/**
 * Runs figure 1 and returns its lines.
 * @example const result = await streamDecodeFigure();
 */
export const streamDecodeFigure = async (): Promise<FigureResult> => {
  const recordCount = envInt("BENCH_STREAM_RECORDS", 20_000);
  const texts = batchesOf(orderStreamRecords(recordCount), 100).map((event) =>
    JSON.stringify(event),
  );
  const bytes = texts.reduce((total, text) => total + text.length, 0);
  const timings = await compare(
    { ours: ours(texts), unvalidated: unvalidated(texts), powertools: powertools(texts) },
    { warmup: 3, rounds: 9 },
  );
  const rate = (seconds: number) => recordCount / seconds;
  const oursRate = rate(timings.ours.median);
  const plainRate = rate(timings.unvalidated.median);
  const ptRate = rate(timings.powertools.median);
  return {
    title: "1. Stream decode + aggregate deltas per record (from the event's JSON text)",
    lines: [
      {
        figure: "1",
        metric: "records/s vs JSON.parse+unmarshall",
        ours: oursRate,
        baseline: plainRate,
        baselineName: "JSON.parse + unmarshall, no validation",
        unit: "rec/s",
        ratio: oursRate / plainRate,
        goal: "≥ 0.9×",
        met: oursRate / plainRate >= 0.9,
      },
      {
        figure: "1",
        metric: "records/s vs Powertools parser",
        ours: oursRate,
        baseline: ptRate,
        baselineName: "Powertools DynamoDBStreamSchema.parse (zod)",
        unit: "rec/s",
        ratio: oursRate / ptRate,
        goal: "≥ 3×",
        met: oursRate / ptRate >= 3,
      },
    ],
    notes: [
      `${recordCount} records in ${texts.length} events of 100 (${(bytes / recordCount).toFixed(0)} bytes of JSON per record; INSERT 60 %, MODIFY 30 %, REMOVE 10 %), 3 warm-up + 9 interleaved rounds, median`,
    ],
  };
};

if (import.meta.url === `file://${process.argv[1]}`) printFigure(await streamDecodeFigure());
