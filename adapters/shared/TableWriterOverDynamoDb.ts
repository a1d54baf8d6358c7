import type { DescribeTableOutput, WriteRequest } from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import {
  type AttributeMap,
  type AttributeValue,
  canonicalKey,
  type KeySchema,
} from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import { normalizeNumber } from "../../domain/decimal.js";
import { configurationError, type PipelineError } from "../../domain/errors.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import { writeInBatches } from "./batchWrites.js";
import type { DynamoDbCalls } from "./dynamoDbCalls.js";
import { mapServiceError } from "./mapServiceError.js";
import { defaultRetryEnv, type RetryEnv } from "./retry.js";
import { type SdkItem, toSdkItem } from "./sdkAttributes.js";

const toRequest = (command: WriteCommand): WriteRequest =>
  command.op === "put"
    ? { PutRequest: { Item: toSdkItem(command.item) } }
    : { DeleteRequest: { Key: toSdkItem(command.key) } };

/** A key's identity, numbers normalized (the service may echo `1.0` back as `1`). */
const keyId = (key: AttributeMap): string =>
  canonicalKey(
    Object.fromEntries(
      Object.entries(key).map(([name, v]) => [name, "N" in v ? { N: normalizeNumber(v.N) } : v]),
    ),
  );

/** The identity of the key in an SDK item or key, or `undefined` when a key value is not S, N or B. */
const sdkKeyId = (item: Readonly<SdkItem>, schema: KeySchema): string | undefined => {
  const key: Record<string, AttributeValue> = {};
  for (const name of [schema.partitionKey, schema.sortKey]) {
    if (name === undefined) continue;
    const value = Object.hasOwn(item, name) ? item[name] : undefined;
    if (value?.S !== undefined) key[name] = { S: value.S };
    else if (value?.N !== undefined) key[name] = { N: value.N };
    else if (value?.B !== undefined) key[name] = { B: Buffer.from(value.B).toString("base64") };
    else return undefined;
  }
  return keyId(key);
};

const schemaOf = (output: DescribeTableOutput): KeySchema | undefined => {
  const elements = output.Table?.KeySchema ?? [];
  const hash = elements.find((e) => e.KeyType === "HASH")?.AttributeName;
  const range = elements.find((e) => e.KeyType === "RANGE")?.AttributeName;
  if (hash === undefined) return undefined;
  return range === undefined ? { partitionKey: hash } : { partitionKey: hash, sortKey: range };
};

/**
 * {@link TableWriter} over {@link DynamoDbCalls}, whichever DynamoDB they reach: BatchWriteItem
 * with 25 requests per call, `UnprocessedItems` retried with backoff until the deadline, a batch
 * refused with `ValidationException` rewritten one command at a time so only the bad command
 * fails (as an `InvalidRecord` naming its source). Binary values are converted to bytes for the
 * request. The key schema comes from DescribeTable, once; it tells which commands came back
 * unprocessed.
 *
 * @example
 * const writer = new TableWriterOverDynamoDb(calls, "replica", noWaitRetryEnv);
 */
export class TableWriterOverDynamoDb implements TableWriter {
  private schema: KeySchema | undefined;

  constructor(
    private readonly calls: DynamoDbCalls,
    private readonly tableName: string,
    private readonly retry: RetryEnv = defaultRetryEnv,
  ) {}

  readonly keySchema = (): TE.TaskEither<PipelineError, KeySchema> =>
    this.schema !== undefined
      ? TE.right(this.schema)
      : pipe(
          this.calls.describeTable({ TableName: this.tableName }),
          TE.mapLeft((failure) => mapServiceError(failure, this.resource)),
          TE.flatMapEither((output) => {
            const schema = schemaOf(output);
            if (schema === undefined)
              return E.left(
                configurationError(this.resource, "DescribeTable returned no HASH key"),
              );
            this.schema = schema;
            return E.right(schema);
          }),
        );

  readonly write = (
    commands: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
  ): TE.TaskEither<PipelineError, WriteReport> =>
    commands.length === 0
      ? TE.right({ failed: [] })
      : pipe(
          this.keySchema(),
          TE.flatMap((schema) =>
            writeInBatches(commands, deadline, (batch) => this.send(batch, schema), this.retry),
          ),
          TE.map((failed) => ({ failed })),
        );

  private get resource(): string {
    return `table ${this.tableName}`;
  }

  private send(
    batch: ReadonlyArray<WriteCommand>,
    schema: KeySchema,
  ): TE.TaskEither<PipelineError, ReadonlyArray<WriteCommand>> {
    return pipe(
      this.calls.batchWriteItem({ RequestItems: { [this.tableName]: batch.map(toRequest) } }),
      TE.bimap(
        (failure) => mapServiceError(failure, this.resource),
        (output) => unprocessed(batch, output.UnprocessedItems?.[this.tableName] ?? [], schema),
      ),
    );
  }
}

/** The commands whose requests came back unprocessed (all of them if one cannot be matched). */
const unprocessed = (
  sent: ReadonlyArray<WriteCommand>,
  left: ReadonlyArray<WriteRequest>,
  schema: KeySchema,
): ReadonlyArray<WriteCommand> => {
  if (left.length === 0) return [];
  const ids = new Set(
    left.map((request) => {
      const key = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
      return (key === undefined ? undefined : sdkKeyId(key, schema)) ?? "";
    }),
  );
  const kept = sent.filter((command) => ids.has(keyId(command.key)));
  return kept.length === left.length ? kept : sent;
};
