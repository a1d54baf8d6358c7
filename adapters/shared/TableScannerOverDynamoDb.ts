import type { ScanOutput } from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { KeyAttribute } from "../../domain/aggregateMarkers.js";
import { configurationError, type PipelineError } from "../../domain/errors.js";
import type { ScanOptions, TableDescription, TableScanner } from "../../ports/tableScanner.js";
import type { DynamoDbCalls } from "./dynamoDbCalls.js";
import { mapServiceError } from "./mapServiceError.js";
import { fromSdkItem } from "./sdkAttributes.js";

const DEFAULT_SEGMENTS = 4;

/**
 * {@link TableScanner} over {@link DynamoDbCalls}: DescribeTable for the key schema, then
 * `segments` Scan loops in parallel (`Segment`/`TotalSegments`, `ConsistentRead`), each following
 * `LastEvaluatedKey` to its end. A failed page stops the scan with the error (mapped like every
 * adapter's: missing table → Configuration). Bound to DynamoDB by adapters/aws and to the
 * in-memory DynamoDB by adapters/memory.
 *
 * @example
 * const count = await new TableScannerOverDynamoDb(calls, "orders").scan({ onPage })();
 */
export class TableScannerOverDynamoDb implements TableScanner {
  constructor(
    private readonly calls: DynamoDbCalls,
    private readonly table: string,
  ) {}

  private get resource(): string {
    return `table ${this.table}`;
  }

  readonly describe = (): TE.TaskEither<PipelineError, TableDescription> => async () => {
    const output = await this.calls.describeTable({ TableName: this.table })();
    if (E.isLeft(output)) return E.left(mapServiceError(output.left, this.resource));
    const table = output.right.Table;
    const typeOf = (name: string) =>
      table?.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType;
    const keys = ["HASH", "RANGE"].flatMap((kind): KeyAttribute[] => {
      const name = table?.KeySchema?.find((k) => k.KeyType === kind)?.AttributeName;
      const type = name === undefined ? undefined : typeOf(name);
      return name !== undefined && (type === "S" || type === "N" || type === "B")
        ? [{ name, type }]
        : [];
    });
    if (keys.length === 0)
      return E.left(configurationError(this.resource, "DescribeTable gave no key schema"));
    const provisioned = table?.ProvisionedThroughput;
    return E.right({
      keys,
      itemCount: table?.ItemCount ?? 0,
      readCapacity: provisioned?.ReadCapacityUnits ?? 0,
      writeCapacity: provisioned?.WriteCapacityUnits ?? 0,
    });
  };

  readonly scan =
    (options: ScanOptions): TE.TaskEither<PipelineError, number> =>
    async () => {
      const total = Math.max(1, Math.floor(options.segments ?? DEFAULT_SEGMENTS));
      let failure: PipelineError | undefined;
      let count = 0;
      const segment = async (index: number): Promise<void> => {
        let start: ScanOutput["LastEvaluatedKey"];
        do {
          if (failure !== undefined) return;
          const page = await this.calls.scan({
            TableName: this.table,
            Segment: index,
            TotalSegments: total,
            ConsistentRead: true,
            ...(options.pageLimit === undefined ? {} : { Limit: options.pageLimit }),
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          })();
          if (E.isLeft(page)) {
            failure ??= mapServiceError(page.left, this.resource);
            return;
          }
          const items = (page.right.Items ?? []).map(fromSdkItem);
          count += items.length;
          await options.onPage(items);
          start = page.right.LastEvaluatedKey;
        } while (start !== undefined);
      };
      await Promise.all(Array.from({ length: total }, (_, index) => segment(index)));
      return failure === undefined ? E.right(count) : E.left(failure);
    };
}
