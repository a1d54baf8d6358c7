import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { type AttributeMap, type AttributeValue, attributeType } from "./attributeValue.js";
import { compareNumbers, isDynamoNumber, normalizeNumber, truncateNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";

/**
 * Glue's ApplyMapping on DynamoDB items: each mapping reads a field (a dotted path into `M`
 * values, `` `a.b` `` for a name holding a dot), casts it, and writes it at the target path
 * (nested maps are created). Only mapped fields are kept; a missing source field is absent in
 * the output, as in Glue; NULL stays NULL whatever the types.
 *
 * Casts (the source value must be of its declared type: S for string, N for the numeric types,
 * BOOL, M for map/struct, L/SS/NS/BS for array, B for binary):
 * - numeric → numeric: exact decimal (DynamoDB numbers are decimal; float/double are NOT rounded
 *   to binary floating point). To int/long/bigint the value is TRUNCATED toward zero
 *   (`12.7` → `12`, `-12.7` → `-12`), as Spark's cast does, and must fit 32 bits (int) or
 *   64 bits (long, bigint); Spark would overflow, we refuse.
 * - string → numeric: the trimmed text must be a DynamoDB number, then as above.
 * - numeric/boolean → string: canonical number text / `"true"`, `"false"`.
 * - string → boolean: `"true"`/`"false"`, trimmed, any case. number → boolean: 0/1 only;
 *   boolean → numeric: 1/0.
 * - map ↔ struct, array → array, binary → binary: unchanged. Anything else cannot be cast.
 * A value that cannot be cast is an {@link InvalidRecord} naming the item and the source path.
 */

type Family = "string" | "number" | "boolean" | "map" | "array" | "binary";

const FAMILY = {
  string: "string",
  int: "number",
  long: "number",
  bigint: "number",
  double: "number",
  float: "number",
  decimal: "number",
  boolean: "boolean",
  map: "map",
  struct: "map",
  array: "array",
  binary: "binary",
} as const satisfies Record<string, Family>;

/** A Glue type name accepted in mappings. */
export type GlueType = keyof typeof FAMILY;

/** Glue's type names accepted in mappings. */
export const GLUE_TYPES = Object.keys(FAMILY) as ReadonlyArray<GlueType>;

/** `(sourcePath, sourceType, targetPath, targetType)`, as in `ApplyMapping.apply(mappings=…)`. */
export type Mapping = readonly [
  sourcePath: string,
  sourceType: GlueType,
  targetPath: string,
  targetType: GlueType,
];

const INTEGER_RANGE: Partial<Record<GlueType, readonly [string, string]>> = {
  int: ["-2147483648", "2147483647"],
  long: ["-9223372036854775808", "9223372036854775807"],
  bigint: ["-9223372036854775808", "9223372036854775807"],
};

/**
 * Splits a Glue field path on dots outside backticks: `` a.`b.c`.d `` → `["a", "b.c", "d"]`.
 * Returns `undefined` when a segment is empty or a backtick is not closed.
 * @example parsePath("address.city") // ["address", "city"]
 */
export const parsePath = (path: string): ReadonlyArray<string> | undefined => {
  const segments: string[] = [];
  let current = "";
  let quoted = false;
  let wasQuoted = false;
  for (const char of path) {
    if (char === "`") {
      quoted = !quoted;
      wasQuoted = true;
    } else if (char === "." && !quoted) {
      if (current === "" && !wasQuoted) return undefined;
      segments.push(current);
      current = "";
      wasQuoted = false;
    } else current += char;
  }
  if (quoted || (current === "" && !wasQuoted)) return undefined;
  segments.push(current);
  return segments;
};

const familyOf = (value: AttributeValue): Family | undefined => {
  const tag = attributeType(value);
  if (tag === "S") return "string";
  if (tag === "N") return "number";
  if (tag === "BOOL") return "boolean";
  if (tag === "M") return "map";
  if (tag === "L" || tag === "SS" || tag === "NS" || tag === "BS") return "array";
  if (tag === "B") return "binary";
  return undefined;
};

const toNumber = (text: string, target: GlueType): E.Either<string, AttributeValue> => {
  if (!isDynamoNumber(text)) return E.left(`${JSON.stringify(text)} is not a number`);
  const range = INTEGER_RANGE[target];
  if (range === undefined) return E.right({ N: normalizeNumber(text) });
  const integer = truncateNumber(text);
  if (compareNumbers(integer, range[0]) < 0 || compareNumbers(integer, range[1]) > 0)
    return E.left(`${text} does not fit in ${target} (${range[0]} to ${range[1]})`);
  return E.right({ N: integer });
};

/**
 * Casts one value declared as `source` to `target`, or says why it cannot.
 * @example castValue({ N: "12.7" }, "double", "int") // right({ N: "12" })
 */
export const castValue = (
  value: AttributeValue,
  source: GlueType,
  target: GlueType,
): E.Either<string, AttributeValue> => {
  if ("NULL" in value) return E.right(value);
  const found = familyOf(value);
  const from = FAMILY[source];
  const to = FAMILY[target];
  if (found !== from)
    return E.left(`declared ${source}, found ${attributeType(value) ?? "an invalid value"}`);
  if (from === to && to !== "number") return E.right(value);
  if ("N" in value) {
    if (to === "number") return toNumber(value.N, target);
    if (to === "string") return E.right({ S: normalizeNumber(value.N) });
    if (to === "boolean" && compareNumbers(value.N, "0") === 0) return E.right({ BOOL: false });
    if (to === "boolean" && compareNumbers(value.N, "1") === 0) return E.right({ BOOL: true });
  }
  if ("S" in value) {
    const text = value.S.trim();
    if (to === "number") return toNumber(text, target);
    if (to === "boolean" && /^(true|false)$/i.test(text))
      return E.right({ BOOL: text.toLowerCase() === "true" });
  }
  if ("BOOL" in value) {
    if (to === "string") return E.right({ S: String(value.BOOL) });
    if (to === "number") return E.right({ N: value.BOOL ? "1" : "0" });
  }
  return E.left(`cannot cast ${source} ${describe(value)} to ${target}`);
};

const describe = (value: AttributeValue): string => {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

const read = (item: AttributeMap, path: ReadonlyArray<string>): AttributeValue | undefined => {
  let current: AttributeValue | undefined = { M: item };
  for (const name of path) {
    if (current === undefined || !("M" in current) || !Object.hasOwn(current.M, name))
      return undefined;
    current = current.M[name];
  }
  return current;
};

/** Writes `value` at `path`, creating (or replacing non-map values by) nested maps. */
const write = (
  item: AttributeMap,
  path: ReadonlyArray<string>,
  value: AttributeValue,
): AttributeMap => {
  const [head, ...rest] = path;
  if (head === undefined) return item;
  if (rest.length === 0) return { ...item, [head]: value };
  const existing = Object.hasOwn(item, head) ? item[head] : undefined;
  const inner = existing !== undefined && "M" in existing ? existing.M : {};
  return { ...item, [head]: { M: write(inner, rest, value) } };
};

const segmentsOf = (path: string): ReadonlyArray<string> => parsePath(path) ?? path.split(".");

/**
 * Applies the mappings to one item. `recordId` names the item in errors (e.g. its canonical
 * key). Mappings should pass {@link checkMappings} (the codec does): when two target paths
 * collide, the later mapping wins.
 * @example applyMapping([["id", "string", "id", "string"], ["n", "string", "n", "int"]], { id: { S: "a" }, n: { S: "7" }, x: { S: "dropped" } }, "a") // right({ id: { S: "a" }, n: { N: "7" } })
 */
export const applyMapping = (
  mappings: ReadonlyArray<Mapping>,
  item: AttributeMap,
  recordId: string,
): E.Either<InvalidRecord, AttributeMap> => {
  // Spread and computed keys define own properties: "__proto__" stays an attribute name.
  let output: AttributeMap = {};
  for (const [sourcePath, sourceType, targetPath, targetType] of mappings) {
    const value = read(item, segmentsOf(sourcePath));
    if (value === undefined) continue;
    const cast = castValue(value, sourceType, targetType);
    if (E.isLeft(cast)) return E.left(invalidRecord(recordId, sourcePath, cast.left));
    output = write(output, segmentsOf(targetPath), cast.right);
  }
  return E.right(output);
};

/**
 * Why a mappings list is unusable (a malformed path, the same target twice, a target inside
 * another mapped target), or `undefined` when it is fine.
 * @example checkMappings([["a", "string", "x", "string"], ["b", "string", "x.b", "string"]]) // "target x.b is inside target x"
 */
export const checkMappings = (mappings: ReadonlyArray<Mapping>): string | undefined => {
  const targets: { readonly path: string; readonly segments: ReadonlyArray<string> }[] = [];
  for (const [sourcePath, , targetPath] of mappings) {
    if (parsePath(sourcePath) === undefined) return `source path ${sourcePath} is malformed`;
    const segments = parsePath(targetPath);
    if (segments === undefined) return `target path ${targetPath} is malformed`;
    for (const other of targets) {
      const shorter = Math.min(other.segments.length, segments.length);
      const samePrefix = segments.slice(0, shorter).every((s, i) => s === other.segments[i]);
      if (!samePrefix) continue;
      if (other.segments.length === segments.length) return `target ${targetPath} is mapped twice`;
      return other.segments.length < segments.length
        ? `target ${targetPath} is inside target ${other.path}`
        : `target ${other.path} is inside target ${targetPath}`;
    }
    targets.push({ path: targetPath, segments });
  }
  return undefined;
};

const GlueTypeCodec = t.keyof(FAMILY);
const MappingTuple = t.tuple([t.string, GlueTypeCodec, t.string, GlueTypeCodec]);

/**
 * io-ts codec of a mappings list as JSON (e.g. a job argument):
 * `[["address.city", "string", "city", "string"], …]`, checked with {@link checkMappings}.
 * @example MappingsCodec.decode(JSON.parse(args["--mappings"]))
 */
export const MappingsCodec = new t.Type<ReadonlyArray<Mapping>, ReadonlyArray<Mapping>, unknown>(
  "Mappings",
  (input): input is ReadonlyArray<Mapping> =>
    t.array(MappingTuple).is(input) && checkMappings(input) === undefined,
  (input, context) => {
    const decoded = t.array(MappingTuple).validate(input, context);
    if (E.isLeft(decoded)) return decoded;
    const problem = checkMappings(decoded.right);
    return problem === undefined ? t.success(decoded.right) : t.failure(input, context, problem);
  },
  (mappings) => mappings,
);

/**
 * Parses a mappings list from JSON text, or says what is wrong with it.
 * @example mappingsFromJson('[["id","string","id","string"]]') // right([["id", "string", "id", "string"]])
 */
export const mappingsFromJson = (text: string): E.Either<string, ReadonlyArray<Mapping>> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return E.left(`not valid JSON (${(error as Error).message})`);
  }
  const decoded = MappingsCodec.decode(json);
  if (E.isRight(decoded)) return decoded;
  const first = decoded.left[0];
  return E.left(
    first?.message ??
      `expected [[sourcePath, sourceType, targetPath, targetType], …] with types ${GLUE_TYPES.join(", ")}`,
  );
};
