import {
  DescribeTableCommand,
  type DynamoDBClient,
  ScanCommand,
  type ScanCommandOutput,
} from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { KeyAttribute } from "../../domain/aggregateMarkers.js";
import { configurationError, type PipelineError } from "../../domain/errors.js";
import type { ScanOptions, TableDescription, TableScanner } from "../../ports/tableScanner.js";
import { mapServiceError } from "../shared/mapServiceError.js";
import { fromSdkItem } from "../shared/sdkAttributes.js";
import { callService } from "../shared/serviceFailure.js";

const DEFAULT_SEGMENTS = 4;

/**
 * {@link TableScanner} on a DynamoDB table: DescribeTable for the key schema, then `segments`
 * Scan loops in parallel (`Segment`/`TotalSegments`, `ConsistentRead`), each following
 * `LastEvaluatedKey` to its end. The SDK's standard retries handle throttling. A failed page
 * stops the scan with the error (mapped like every adapter's: missing table → Configuration).
 *
 * @example
 * const count = await new DynamoDbTableScanner(new DynamoDBClient({}), "orders").scan({ onPage })();
 */
export class DynamoDbTableScanner implements TableScanner {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private get resource(): string {
    return `table ${this.table}`;
  }

  readonly describe = (): TE.TaskEither<PipelineError, TableDescription> => async () => {
    const output = await callService(() =>
      this.client.send(new DescribeTableCommand({ TableName: this.table })),
    )();
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
        let start: ScanCommandOutput["LastEvaluatedKey"];
        do {
          if (failure !== undefined) return;
          const page = await callService(() =>
            this.client.send(
              new ScanCommand({
                TableName: this.table,
                Segment: index,
                TotalSegments: total,
                ConsistentRead: true,
                ...(start === undefined ? {} : { ExclusiveStartKey: start }),
              }),
            ),
          )();
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
