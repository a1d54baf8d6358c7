import type { TransactWriteItem } from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import type { PipelineError } from "../../domain/errors.js";
import type { GuardedWrite } from "../../domain/sequenceGuard.js";
import { versionCondition, versionItem } from "../../domain/versionItem.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import type { DynamoDbCalls } from "./dynamoDbCalls.js";
import { mapServiceError } from "./mapServiceError.js";
import { defaultRetryEnv } from "./retry.js";
import { fromSdkItem, toSdkItem } from "./sdkAttributes.js";
import {
  type SequenceGuardedWrites,
  type SequenceGuardOptions,
  type TransactOutcome,
  writeSequenceGuarded,
} from "./sequenceGuardedWrites.js";
import { TableWriterOverDynamoDb } from "./TableWriterOverDynamoDb.js";

/**
 * {@link TableWriter} that applies commands by their version, whatever the queue delivers (a
 * standard queue's reordering and redeliveries, a dead-letter redrive on any queue), over
 * {@link DynamoDbCalls}: each command with `seq` is applied by TransactWriteItems together with
 * its item in the version table (`Put` conditioned on an older version: domain/versionItem.ts),
 * so an older command never overwrites a newer one; when the transaction is cancelled, the
 * CancellationReasons name the refused commands (ConditionalCheckFailed on their version put,
 * with the stored version item): stale ones count as done, those of a second source table are
 * invalid, and the rest is written again. Up to 50 commands (100 actions) per
 * transaction; throttling and conflicts retried until the deadline; commands without `seq`
 * written by `options.inner` (a {@link TableWriterOverDynamoDb} on the same calls by default).
 * The version table needs key `pk` (S); version items never expire unless `versionTtlSeconds`.
 *
 * @example
 * const writer = new SequenceGuardedTableWriterOverDynamoDb(calls, { table: "replica", versionTable: "replica-versions" });
 */
export class SequenceGuardedTableWriterOverDynamoDb implements TableWriter {
  private readonly deps: SequenceGuardedWrites;
  private readonly clock: () => number;

  constructor(
    private readonly calls: DynamoDbCalls,
    private readonly options: SequenceGuardOptions,
  ) {
    const retry = options.retry ?? defaultRetryEnv;
    this.clock = options.clock ?? Date.now;
    this.deps = {
      table: options.table,
      inner: options.inner ?? new TableWriterOverDynamoDb(calls, options.table, retry),
      retry,
      transact: (writes) => this.transact(writes),
    };
  }

  readonly keySchema = (): TE.TaskEither<PipelineError, KeySchema> => this.deps.inner.keySchema();

  readonly write = (
    commands: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
  ): TE.TaskEither<PipelineError, WriteReport> =>
    writeSequenceGuarded(this.deps, commands, deadline);

  private actions(writes: ReadonlyArray<GuardedWrite>): TransactWriteItem[] {
    const { table, versionTable } = this.options;
    const ttl = this.options.versionTtlSeconds;
    const expiresAt = ttl === undefined ? undefined : Math.floor(this.clock() / 1000) + ttl;
    return writes.flatMap(({ command, versionKey, version }): TransactWriteItem[] => {
      const condition = versionCondition(version);
      return [
        {
          Put: {
            TableName: versionTable,
            Item: toSdkItem(versionItem(versionKey, version, expiresAt)),
            ConditionExpression: condition.expression,
            ExpressionAttributeNames: { ...condition.names },
            ExpressionAttributeValues: toSdkItem(condition.values),
            // A refusal returns the stored version: stale, or another source table's.
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
        command.op === "put"
          ? { Put: { TableName: table, Item: toSdkItem(command.item) } }
          : { Delete: { TableName: table, Key: toSdkItem(command.key) } },
      ];
    });
  }

  private async transact(writes: ReadonlyArray<GuardedWrite>): Promise<TransactOutcome> {
    const { table, versionTable } = this.options;
    const result = await this.calls.transactWriteItems({ TransactItems: this.actions(writes) })();
    if (E.isRight(result)) return { _tag: "Applied" };
    const failure = result.left;
    if (failure.name === "TransactionCanceledException") {
      const reasons = failure.CancellationReasons ?? [];
      return {
        _tag: "Cancelled",
        reasons: reasons.map((reason) => reason.Code),
        messages: reasons.map((reason) => reason.Message),
        items: reasons.map((reason) =>
          reason.Item === undefined ? undefined : fromSdkItem(reason.Item),
        ),
      };
    }
    return {
      _tag: "Failed",
      error: mapServiceError(failure, `table ${table} or version table ${versionTable}`),
    };
  }
}
