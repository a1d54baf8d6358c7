import type { AttributeMap, AttributeValue } from "./attributeValue.js";
import type { StreamOrigin } from "./streamOrigin.js";

/**
 * The version item of the sequence guard (VERSION_TABLE): per replica key, the version of the
 * last command applied to it, and the condition under which a command's version replaces it.
 *
 * Item: `{ pk: S, seq: S (48 digits, zero-padded: string order = numeric order), sourceTable: S,
 * streamLabel: S }`; `sourceTable` (the source table's ARN) and `streamLabel` (its stream's
 * creation time) only for commands that came from a DynamoDB stream (domain/streamOrigin.ts).
 *
 * A command replaces the stored version when:
 * - there is none;
 * - the stored one names no source table (written by a CSV row, or by a version of this library
 *   before streams were recorded): by `seq` alone, as before;
 * - both name the same source table: by stream label (a re-created table's stream is newer, its
 *   sequence numbers may be lower), then by `seq`;
 * - a command without a stream (CSV row, a message of an older version): by `seq` alone.
 * A command from a stream of ANOTHER source table never replaces it: refused as a second source,
 * not as stale (nothing orders the changes of two tables).
 */

/**
 * A command's version, as the guard writes and compares it.
 * @example const version: CommandVersion = { seq: padSequence("7") ?? "", origin: { table: "arn:…:table/users", label: "2026-11-30T00:00:00.000" } };
 */
export interface CommandVersion {
  /** The command's `seq`, padded (domain/sequenceGuard.ts `padSequence`). */
  readonly seq: string;
  /** Where it came from, when from a DynamoDB stream. */
  readonly origin?: StreamOrigin;
}

/**
 * The version item recording that `version` was applied to the key digested as `pk`: no expiry
 * unless `expiresAt` (epoch seconds, for a TTL on `expiresAt`) is given.
 * @example versionItem("ab12…", { seq: "0…07", origin: { table: "arn:…:table/users", label: "2026-11-30T00:00:00.000" } })
 * // { pk: { S: "ab12…" }, seq: { S: "0…07" }, sourceTable: { S: "arn:…:table/users" }, streamLabel: { S: "2026-11-30T00:00:00.000" } }
 */
export const versionItem = (
  pk: string,
  version: CommandVersion,
  expiresAt?: number,
): AttributeMap => ({
  pk: { S: pk },
  seq: { S: version.seq },
  ...(version.origin === undefined
    ? {}
    : { sourceTable: { S: version.origin.table }, streamLabel: { S: version.origin.label } }),
  ...(expiresAt === undefined ? {} : { expiresAt: { N: String(expiresAt) } }),
});

/**
 * A condition expression with its placeholders (DynamoDB's request shape, domain values).
 * @example const { expression, names, values }: VersionCondition = versionCondition(version);
 */
export interface VersionCondition {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, AttributeValue>>;
}

const NAMES = { "#pk": "pk", "#seq": "seq" } as const;

/**
 * The condition on the stored version item under which `version` replaces it (see above).
 * @example versionCondition({ seq: "0…07" }).expression // "attribute_not_exists(#pk) OR #seq < :seq"
 */
export const versionCondition = (version: CommandVersion): VersionCondition =>
  version.origin === undefined
    ? {
        expression: "attribute_not_exists(#pk) OR #seq < :seq",
        names: NAMES,
        values: { ":seq": { S: version.seq } },
      }
    : {
        expression:
          "attribute_not_exists(#pk) OR (attribute_not_exists(#table) AND #seq < :seq) OR (#table = :table AND (#label < :label OR (#label = :label AND #seq < :seq)))",
        names: { ...NAMES, "#table": "sourceTable", "#label": "streamLabel" },
        values: {
          ":seq": { S: version.seq },
          ":table": { S: version.origin.table },
          ":label": { S: version.origin.label },
        },
      };

const text = (item: AttributeMap, name: string): string | undefined => {
  const value = item[name];
  return value !== undefined && "S" in value ? value.S : undefined;
};

/**
 * {@link versionCondition} evaluated here, on the stored version item (undefined when absent);
 * a missing or non-string attribute compares false, as in DynamoDB.
 * @example isNewerThanStored(undefined, { seq: padSequence("1") ?? "" }) // true
 */
export const isNewerThanStored = (
  stored: AttributeMap | undefined,
  version: CommandVersion,
): boolean => {
  if (stored === undefined) return true;
  const seq = text(stored, "seq");
  const newerSeq = seq !== undefined && seq < version.seq;
  if (version.origin === undefined) return newerSeq;
  if (stored.sourceTable === undefined) return newerSeq;
  const label = text(stored, "streamLabel");
  return (
    text(stored, "sourceTable") === version.origin.table &&
    label !== undefined &&
    (label < version.origin.label || (label === version.origin.label && newerSeq))
  );
};

/**
 * Why the guard refused `version` given the stored version item (as a refused write returns it):
 * `stale` (as new or newer applied), or `otherSource` (the item came from another source table's
 * stream: named). Without the stored item (not returned), `stale`.
 * @example refusalOf({ pk, seq, sourceTable: { S: "arn:…:table/eu" }, streamLabel }, { seq, origin: { table: "arn:…:table/us", label } })
 * // { kind: "otherSource", stored: "arn:…:table/eu" }
 */
export const refusalOf = (
  stored: AttributeMap | undefined,
  version: CommandVersion,
): { readonly kind: "stale" } | { readonly kind: "otherSource"; readonly stored: string } => {
  const table = stored === undefined ? undefined : text(stored, "sourceTable");
  return version.origin !== undefined && table !== undefined && table !== version.origin.table
    ? { kind: "otherSource", stored: table }
    : { kind: "stale" };
};
