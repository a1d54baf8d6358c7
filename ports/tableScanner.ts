import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { KeyAttribute } from "../domain/aggregateMarkers.js";
import type { AttributeMap } from "../domain/attributeValue.js";
import type { PipelineError } from "../domain/errors.js";

/** What DescribeTable says about a table that a scan needs. */
export interface TableDescription {
  /** Partition key first, then the sort key when there is one. */
  readonly keys: ReadonlyArray<KeyAttribute>;
  /** DynamoDB's item count (refreshed about every six hours: an estimate, for progress). */
  readonly itemCount: number;
  /** Provisioned read and write capacity units; 0 for an on-demand table. */
  readonly readCapacity: number;
  readonly writeCapacity: number;
}

/** Options of {@link TableScanner.scan}. */
export interface ScanOptions {
  /** Parallel Scan segments (`Segment`/`TotalSegments`), default 4. */
  readonly segments?: number;
  /** At most this many items per Scan call (`Limit`); default: DynamoDB's 1 MB page. */
  readonly pageLimit?: number;
  /** Called with each page as it arrives, from whichever segment read it. */
  readonly onPage: (items: ReadonlyArray<AttributeMap>) => void | Promise<void>;
}

/**
 * Reads a whole table, page by page (consistent reads, parallel segments): the day-2 commands'
 * view of a table (verify-aggregates, rebuild-aggregates, copy-table).
 *
 * @example
 * await scanner.scan({ segments: 4, onPage: (items) => items.forEach(count) })();
 */
export interface TableScanner {
  readonly describe: () => TaskEither<PipelineError, TableDescription>;
  /** Scans every segment to its end; the number of items read. */
  readonly scan: (options: ScanOptions) => TaskEither<PipelineError, number>;
}
