import type { DynamoDBBatchResponse, DynamoDBRecord } from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import type { Mapping } from "../../domain/applyMapping.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import type { ChangeRecord } from "../../domain/streamRecord.js";
import { assembleGlueCopy } from "../../handlers/assemblies/assembleGlueCopy.js";
import { glueCopyServices } from "../../handlers/assemblies/offlineGlueCopy.js";

/** A payment of the seed's `api-pagos` table. */
export const payment = (id: string, amount: string, city = "Lima"): AttributeMap => ({
  id: { S: id },
  amount: { N: amount },
  status: { S: "PAID" },
  address: { M: { city: { S: city }, zip: { S: "15001" } } },
  note: { S: "not copied" },
});

/** The backup's mappings: id kept, amount as decimal, city flattened, status as string. */
export const paymentMappings: ReadonlyArray<Mapping> = [
  ["id", "string", "id", "string"],
  ["amount", "decimal", "amount", "decimal"],
  ["status", "string", "state", "string"],
  ["address.city", "string", "city", "string"],
];

let counter = 0;

/** A raw DynamoDB stream record (shape as Lambda delivers it), with a fresh sequence number. */
export const streamRecord = (
  eventName: ChangeRecord["eventName"],
  keys: AttributeMap,
  newImage?: AttributeMap,
): DynamoDBRecord => {
  counter += 1;
  return {
    eventID: `evt-${counter}`,
    eventName,
    eventSource: "aws:dynamodb",
    dynamodb: {
      Keys: keys as never,
      SequenceNumber: String(5_000 + counter),
      ...(newImage ? { NewImage: newImage as never } : {}),
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
};

/**
 * Seed 001 in memory: `api-pagos` (with a stream) copied by an in-memory Glue job into
 * `api-pos-backup`, the handler starting runs, and a poller feeding it the stream the way
 * Lambda's DynamoDB event source does (from the checkpoint; a reported failure makes the next
 * batch start at that record).
 */
export const glueRig = (
  options: {
    readonly maxConcurrentRuns?: number;
    readonly mappings?: ReadonlyArray<Mapping>;
    readonly batchSize?: number;
  } = {},
) => {
  const { clock, db, jobs } = glueCopyServices({
    mappings: options.mappings ?? paymentMappings,
    ...(options.maxConcurrentRuns ? { maxConcurrentRuns: options.maxConcurrentRuns } : {}),
  });
  const rejects = new InMemoryRejectSink();
  const { streamToGlue: handler } = assembleGlueCopy(
    { jobs, rejects },
    { jobArguments: { "--source": "api-pagos" } },
  );
  const runner = new StreamEventSourceRunner<DynamoDBRecord>(db.stream("api-pagos"), handler, {
    batchSize: options.batchSize ?? 100,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
    context: () => localContext("streamToGlue", 60_000, clock.now),
  });
  /** One invocation on the next batch of the stream (undefined when there is nothing new). */
  const poll = async (): Promise<DynamoDBBatchResponse | undefined> => {
    const step = await runner.step();
    if (step !== undefined && step.response !== undefined && "error" in step.response)
      throw step.response.error;
    return step?.response as DynamoDBBatchResponse | undefined;
  };
  return { db, jobs, rejects, handler, poll, advance: clock.advance, clock: clock.now };
};
