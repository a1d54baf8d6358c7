import {
  BatchWriteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import {
  type AttributeMap,
  canonicalKey,
  type KeySchema,
  keyOf,
} from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import { normalizeNumber } from "../../domain/decimal.js";
import { configurationError, type PipelineError } from "../../domain/errors.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import { isPipelineError, writeInBatches } from "../shared/batchWrites.js";
import { defaultRetryEnv, type RetryEnv } from "../shared/retry.js";
import { mapAwsError } from "./mapAwsError.js";
import { fromSdkItem, toSdkItem } from "./sdkAttributes.js";

const keyId = (key: AttributeMap): string =>
  canonicalKey(
    Object.fromEntries(
      Object.entries(key).map(([name, v]) => [name, "N" in v ? { N: normalizeNumber(v.N) } : v]),
    ),
  );

const toRequest = (command: WriteCommand): WriteRequest =>
  command.op === "put"
    ? { PutRequest: { Item: toSdkItem(command.item) } }
    : { DeleteRequest: { Key: toSdkItem(command.key) } };

/**
 * {@link TableWriter} on a DynamoDB table with BatchWriteItem: 25 requests per call,
 * `UnprocessedItems` retried with {@link withRetries} until the deadline, a batch refused with
 * `ValidationException` rewritten one command at a time so only the bad command fails (as an
 * `InvalidRecord` naming its source). Binary values are converted to bytes at this edge. The key
 * schema comes from DescribeTable, once.
 *
 * @example
 * const writer = new DynamoDbTableWriter(new DynamoDBClient({}), "replica");
 */
export class DynamoDbTableWriter implements TableWriter {
  private schema: KeySchema | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retry: RetryEnv = defaultRetryEnv,
  ) {}

  readonly keySchema = (): TE.TaskEither<PipelineError, KeySchema> => async () => {
    if (this.schema !== undefined) return E.right(this.schema);
    try {
      const output = await this.client.send(
        new DescribeTableCommand({ TableName: this.tableName }),
      );
      const elements = output.Table?.KeySchema ?? [];
      const hash = elements.find((e) => e.KeyType === "HASH")?.AttributeName;
      const range = elements.find((e) => e.KeyType === "RANGE")?.AttributeName;
      if (hash === undefined)
        return E.left(configurationError(this.resource, "DescribeTable returned no HASH key"));
      this.schema =
        range === undefined ? { partitionKey: hash } : { partitionKey: hash, sortKey: range };
      return E.right(this.schema);
    } catch (error) {
      return E.left(mapAwsError(error, this.resource));
    }
  };

  readonly write =
    (
      commands: ReadonlyArray<WriteCommand>,
      deadline: Deadline,
    ): TE.TaskEither<PipelineError, WriteReport> =>
    async () => {
      if (commands.length === 0) return E.right({ failed: [] });
      const schema = await this.keySchema()();
      if (E.isLeft(schema)) return schema;
      try {
        const failed = await writeInBatches(
          commands,
          deadline,
          (batch) => this.send(batch, schema.right),
          (error) => mapAwsError(error, this.resource),
          this.retry,
        );
        return E.right({ failed });
      } catch (error) {
        return E.left(isPipelineError(error) ? error : mapAwsError(error, this.resource));
      }
    };

  private get resource(): string {
    return `table ${this.tableName}`;
  }

  private async send(
    batch: ReadonlyArray<WriteCommand>,
    schema: KeySchema,
  ): Promise<ReadonlyArray<WriteCommand>> {
    const output = await this.client.send(
      new BatchWriteItemCommand({ RequestItems: { [this.tableName]: batch.map(toRequest) } }),
    );
    return this.unprocessed(batch, output.UnprocessedItems?.[this.tableName] ?? [], schema);
  }

  /** The commands whose requests came back unprocessed (all of them if one cannot be matched). */
  private unprocessed(
    sent: ReadonlyArray<WriteCommand>,
    left: ReadonlyArray<WriteRequest>,
    schema: KeySchema,
  ): ReadonlyArray<WriteCommand> {
    if (left.length === 0) return [];
    const ids = new Set(
      left.map((request) => {
        const key = request.PutRequest?.Item
          ? keyOf(fromSdkItem(request.PutRequest.Item), schema)
          : request.DeleteRequest?.Key
            ? fromSdkItem(request.DeleteRequest.Key)
            : undefined;
        return key === undefined ? "" : keyId(key);
      }),
    );
    const kept = sent.filter((command) => ids.has(keyId(command.key)));
    return kept.length === left.length ? kept : sent;
  }
}
