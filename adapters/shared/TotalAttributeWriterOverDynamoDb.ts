import type { UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import { configurationError, type PipelineError, transient } from "../../domain/errors.js";
import { WATERMARK_ATTRIBUTE_PREFIX } from "../../domain/totalWatermarks.js";
import type { TotalAttributeWriter } from "../../ports/totalAttributeWriter.js";
import type { DynamoDbCalls } from "./dynamoDbCalls.js";
import { mapServiceError } from "./mapServiceError.js";
import { defaultRetryEnv, type RetryEnv, withRetries } from "./retry.js";
import { toSdkItem } from "./sdkAttributes.js";

/** One attempt's end; `Retry`: throttled or another transient failure. */
type Attempt = E.Either<PipelineError, void> | "Retry";

/**
 * {@link TotalAttributeWriter} over {@link DynamoDbCalls}, whichever DynamoDB they reach: one
 * UpdateItem per total, `SET #total = :total`, or `REMOVE #total` under
 * `attribute_exists(#total)` (a total already absent is done; without the condition DynamoDB
 * would create an item of just the key). Nothing else of the item is named, so other
 * aggregations' totals and every `__wm_…` attribute stay. An attribute name starting with
 * `__wm_` (reserved for watermarks) is refused as a `Configuration` error before any call.
 * Throttling and other transient failures are retried with the shared policy until the deadline.
 *
 * @example
 * const totals = new TotalAttributeWriterOverDynamoDb(calls, "totals", "quantity");
 */
export class TotalAttributeWriterOverDynamoDb implements TotalAttributeWriter {
  constructor(
    private readonly calls: DynamoDbCalls,
    private readonly tableName: string,
    private readonly attribute: string,
    private readonly retry: RetryEnv = defaultRetryEnv,
  ) {}

  readonly write =
    (
      key: AttributeMap,
      total: string | undefined,
      deadline: Deadline,
    ): TE.TaskEither<PipelineError, void> =>
    async () => {
      const resource = `table ${this.tableName}`;
      if (this.attribute.startsWith(WATERMARK_ATTRIBUTE_PREFIX))
        return E.left(
          configurationError(
            resource,
            `attribute ${this.attribute}: names starting with ${WATERMARK_ATTRIBUTE_PREFIX} are reserved for the totals' watermarks`,
          ),
        );
      const request: UpdateItemCommandInput = {
        TableName: this.tableName,
        Key: toSdkItem(key),
        ExpressionAttributeNames: { "#total": this.attribute },
        ...(total === undefined
          ? {
              UpdateExpression: "REMOVE #total",
              ConditionExpression: "attribute_exists(#total)",
            }
          : {
              UpdateExpression: "SET #total = :total",
              ExpressionAttributeValues: { ":total": { N: total } },
            }),
      };
      const attempt = async (): Promise<Attempt> => {
        const written = await this.calls.updateItem(request)();
        if (E.isRight(written)) return E.right(undefined);
        // REMOVE refused by its condition: the total was already absent.
        if (written.left.name === "ConditionalCheckFailedException") return E.right(undefined);
        const error = mapServiceError(written.left, resource);
        return error._tag === "Transient" ? "Retry" : E.left(error);
      };
      const outcome = await withRetries(attempt, (r) => r !== "Retry", deadline, this.retry);
      return outcome === "Retry"
        ? E.left(transient("UpdateItem", `${resource}: throttled, retries spent`))
        : outcome;
    };
}
