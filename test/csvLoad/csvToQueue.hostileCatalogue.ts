import type { AttributeMap } from "../../domain/attributeValue.js";
import type { CsvSchema } from "../../domain/csvSchema.js";
import { DIGITS_38, DIGITS_39, nestedArraysJson } from "../support/hostile.js";

/**
 * Hostile CSV objects and S3 notifications for csvToQueue, end to end: the hostile object is
 * uploaded and announced in one S3 event between two good objects, the queue is drained into the
 * table by queueToTable, and the case lists the rejections (line of the object, or the object as
 * a whole, and the column) and EXACTLY the items the hostile object must leave in the table.
 */

/** A rejection: the row starting on `line` (the object itself when absent) and the field. */
export interface CsvRejection {
  readonly line?: number;
  /** Rejected by queueToTable (the table's key schema): named by its message, the row as `source`. */
  readonly byTable?: true;
  readonly field: string;
  readonly reason?: string;
}

/** One catalogue entry. */
export interface CsvCase {
  readonly name: string;
  /** Object key (default `hostile.csv`). */
  readonly key?: string;
  readonly body: string | Uint8Array;
  /** CSV_SCHEMA (default: every column a string; the table's key `id` keys the rows). */
  readonly schema?: CsvSchema;
  readonly expect: {
    readonly rejected: ReadonlyArray<CsvRejection>;
    readonly stored: ReadonlyArray<AttributeMap>;
  };
}

const row = (id: string, name: string): AttributeMap => ({ id: { S: id }, name: { S: name } });
const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];

const ok = (name: string, body: string | Uint8Array, stored: AttributeMap[], key?: string) => ({
  name,
  body,
  ...(key === undefined ? {} : { key }),
  expect: { rejected: [], stored },
});

const typed: CsvSchema = {
  key: { partitionKey: "id" },
  columns: {
    qty: "number",
    flag: "boolean",
    doc: "json",
    tags: "stringSet",
    sizes: "numberSet",
  },
};

/** Encoding, quoting and line-ending corner cases (all columns strings). */
const structure: ReadonlyArray<CsvCase> = [
  ok("byte order mark", "\uFEFFid,name\na,1\n", [row("a", "1")]),
  ok("CRLF line endings", "id,name\r\na,1\r\nb,2\r\n", [row("a", "1"), row("b", "2")]),
  ok("CR line endings", "id,name\ra,1\rb,2", [row("a", "1"), row("b", "2")]),
  ok("LF without a final line break", "id,name\na,1", [row("a", "1")]),
  ok("quotes in quotes", 'id,name\na,"say ""hi"", ok"\n', [row("a", 'say "hi", ok')]),
  ok("line breaks in a quoted field are kept", 'id,name\na,"l1\r\nl2\nl3"\n', [
    row("a", "l1\r\nl2\nl3"),
  ]),
  ok("blank lines are skipped", "id,name\n\na,1\n\n\nb,2\n\n", [row("a", "1"), row("b", "2")]),
  ok("empty last lines of another line ending are not rows", "id,name\na,1\n\r\n\r\n", [
    row("a", "1"),
  ]),
  ok(
    "formula-like cells are kept as text",
    'id,name\na,=cmd()\nb,+1\nc,-1+2\nd,@SUM(A1)\ne,"=HYPERLINK(""x"")"\n',
    [
      row("a", "=cmd()"),
      row("b", "+1"),
      row("c", "-1+2"),
      row("d", "@SUM(A1)"),
      row("e", '=HYPERLINK("x")'),
    ],
  ),
  ok("a quote inside an unquoted field is text", 'id,name\na,5" screen\n', [row("a", '5" screen')]),
  ok("NUL and control characters are kept", "id,name\na,x\u0000\u0007y\n", [
    row("a", "x\u0000\u0007y"),
  ]),
  ok("unicode, emoji and combining marks", "id,name\nñandú,😀 e\u0301\n", [
    row("ñandú", "😀 e\u0301"),
  ]),
  ok("__proto__ and constructor as key values", "id,name\n__proto__,1\nconstructor,2\n", [
    row("__proto__", "1"),
    row("constructor", "2"),
  ]),
  ok("header only", "id,name\n", []),
  {
    name: "empty file",
    body: "",
    expect: { rejected: [{ field: "$", reason: "empty" }], stored: [] },
  },
  {
    name: "byte order mark only",
    body: "\uFEFF",
    expect: { rejected: [{ field: "$", reason: "empty" }], stored: [] },
  },
  {
    name: "duplicate header",
    body: "id,name,name\na,1,2\n",
    expect: { rejected: [{ line: 1, field: "name", reason: "duplicate" }], stored: [] },
  },
  {
    name: "header without any column name",
    body: ",\na,1\n",
    expect: { rejected: [{ line: 1, field: "$" }], stored: [] },
  },
  {
    name: "header whose first column has no name: rows lack the table's key",
    body: ",name\n,1\n",
    expect: {
      rejected: [
        {
          line: 2,
          byTable: true,
          field: "commands[0].item.id",
          reason: "key attribute is missing",
        },
      ],
      stored: [],
    },
  },
  {
    name: "ragged rows: too few and too many columns",
    body: "id,name\na,1\nb\nc,3,extra\nd,4\n",
    expect: {
      rejected: [
        { line: 3, field: "$", reason: "expected 2 columns, got 1" },
        { line: 4, field: "$", reason: "expected 2 columns, got 3" },
      ],
      stored: [row("a", "1"), row("d", "4")],
    },
  },
  {
    name: "empty key cell",
    body: "id,name\n,1\nb,2\n",
    expect: {
      rejected: [
        {
          line: 2,
          byTable: true,
          field: "commands[0].item.id",
          reason: "key attribute is missing",
        },
      ],
      stored: [row("b", "2")],
    },
  },
  {
    name: "unclosed quote at the end",
    body: 'id,name\na,1\nb,"unclosed\n',
    expect: {
      rejected: [{ line: 3, field: "$", reason: "Quoted field unterminated" }],
      stored: [row("a", "1")],
    },
  },
  {
    name: "text after a closing quote",
    body: 'id,name\na,1\nb,"x"y\n',
    expect: { rejected: [{ line: 3, field: "$" }], stored: [row("a", "1")] },
  },
  {
    name: "row counted on its physical line after a multi-line field",
    body: 'id,name\na,"1\n2\n3"\nb\nc,3\n',
    expect: {
      rejected: [{ line: 5, field: "$", reason: "expected 2 columns" }],
      stored: [row("a", "1\n2\n3"), row("c", "3")],
    },
  },
  {
    name: "invalid UTF-8 in one row",
    body: new Uint8Array([...utf8("id,name\na,1\nb,"), 0xc3, 0x28, 0xff, ...utf8("\nc,3\n")]),
    expect: {
      rejected: [{ line: 3, field: "$", reason: "UTF-8" }],
      stored: [row("a", "1"), row("c", "3")],
    },
  },
  {
    name: "UTF-16 file (not UTF-8)",
    body: new Uint8Array([0xff, 0xfe, ...[..."id,name\n"].flatMap((c) => [c.charCodeAt(0), 0])]),
    expect: { rejected: [{ line: 1, field: "$", reason: "UTF-8" }], stored: [] },
  },
  {
    name: "mixed line endings: a CRLF row in an LF file",
    body: "id,name\na,1\r\nb,2\n",
    expect: { rejected: [{ line: 2, field: "$", reason: "line break" }], stored: [row("b", "2")] },
  },
  {
    name: "mixed line endings: an LF row in a CRLF file",
    body: "id,name\r\na,1\nb,2\r\nc,3\r\n",
    expect: { rejected: [{ line: 2, field: "$", reason: "line break" }], stored: [row("c", "3")] },
  },
  {
    name: "row over 400 KB",
    body: `id,name\na,1\nb,${"x".repeat(410_000)}\nc,3\n`,
    expect: {
      rejected: [{ line: 3, field: "$", reason: "400 KB" }],
      stored: [row("a", "1"), row("c", "3")],
    },
  },
  {
    name: "row under 400 KB but a message over 256 KiB",
    body: `id,name\na,1\nb,${"x".repeat(300_000)}\nc,3\n`,
    expect: {
      rejected: [{ line: 3, field: "$", reason: "262144" }],
      stored: [row("a", "1"), row("c", "3")],
    },
  },
  {
    name: "runaway quoted row over 1 MiB stops the object",
    body: `id,name\na,1\nb,"${"x".repeat(1_100_000)}\nc,3\n`,
    expect: { rejected: [{ line: 3, field: "$", reason: "1048576" }], stored: [row("a", "1")] },
  },
];

/** Typed columns (CSV_SCHEMA): numbers keep their digits, JSON is parsed safely. */
const typedCells: ReadonlyArray<CsvCase> = [
  {
    name: "numbers keep every digit; beyond 38 digits or the range they are refused",
    schema: typed,
    body: `id,qty\na,${DIGITS_38}\nb, 0012.50 \nc,${DIGITS_39}\nd,1e400\ne,"1,5"\nf,NaN\n`,
    expect: {
      rejected: [
        { line: 4, field: "qty" },
        { line: 5, field: "qty" },
        { line: 6, field: "qty" },
        { line: 7, field: "qty" },
      ],
      stored: [
        { id: { S: "a" }, qty: { N: DIGITS_38 } },
        { id: { S: "b" }, qty: { N: "12.5" } },
      ],
    },
  },
  {
    name: "JSON cells keep big numbers, refuse 1e400 and deep nesting",
    schema: typed,
    body: [
      "id,doc",
      'a,"{""n"":12345678901234567890,""l"":[1.50,true,null]}"',
      'b,"{""n"":1e400}"',
      `c,"${nestedArraysJson(10_000)}"`,
      'd,"{""__proto__"":{""polluted"":1},""constructor"":{""prototype"":2}}"',
      "e,{not json",
    ].join("\n"),
    expect: {
      rejected: [
        { line: 3, field: "doc", reason: "1e400" },
        { line: 4, field: "doc", reason: "32" },
        { line: 6, field: "doc", reason: "JSON" },
      ],
      stored: [
        {
          id: { S: "a" },
          doc: {
            M: {
              n: { N: "12345678901234567890" },
              l: { L: [{ N: "1.5" }, { BOOL: true }, { NULL: true }] },
            },
          },
        },
        JSON.parse(
          '{"id":{"S":"d"},"doc":{"M":{"__proto__":{"M":{"polluted":{"N":"1"}}},"constructor":{"M":{"prototype":{"N":"2"}}}}}}',
        ) as AttributeMap,
      ],
    },
  },
  {
    name: "every type a CSV can carry (S N BOOL NULL SS NS, L and M from JSON; no binary in CSV)",
    schema: {
      key: { partitionKey: "id" },
      columns: { n: "number", b: "boolean", j: "json", ss: "stringSet", ns: "numberSet" },
      emptyAs: "null",
    },
    body: 'id,s,n,b,j,ss,ns,e\nall,ñ😀,-0.5,false,"{""l"":[1,""x"",null,{}]}",a|😀,1|12345678901234567890123456789012345678,\n',
    expect: {
      rejected: [],
      stored: [
        {
          id: { S: "all" },
          s: { S: "ñ😀" },
          n: { N: "-0.5" },
          b: { BOOL: false },
          j: { M: { l: { L: [{ N: "1" }, { S: "x" }, { NULL: true }, { M: {} }] } } },
          ss: { SS: ["a", "😀"] },
          ns: { NS: ["1", "12345678901234567890123456789012345678"] },
          e: { NULL: true },
        },
      ],
    },
  },
  {
    name: "booleans and sets",
    schema: typed,
    body: "id,flag,tags,sizes\na,TRUE,x|y|x,1|1.0|2\nb,yes,,\nc,,a||b,\nd,,,1|two\n",
    expect: {
      rejected: [
        { line: 3, field: "flag" },
        { line: 4, field: "tags" },
        { line: 5, field: "sizes" },
      ],
      stored: [
        {
          id: { S: "a" },
          flag: { BOOL: true },
          tags: { SS: ["x", "y"] },
          sizes: { NS: ["1", "2"] },
        },
      ],
    },
  },
  {
    name: "unusual column names are ordinary attributes",
    body: "id,__proto__,constructor,a.b,#c,:d,ñ😀\nx,1,2,3,4,5,6\n",
    expect: {
      rejected: [],
      stored: [
        JSON.parse(
          '{"id":{"S":"x"},"__proto__":{"S":"1"},"constructor":{"S":"2"},"a.b":{"S":"3"},"#c":{"S":"4"},":d":{"S":"5"},"ñ😀":{"S":"6"}}',
        ) as AttributeMap,
      ],
    },
  },
];

/** Unusual object keys: loaded, their rows named by the key. */
const objectKeys: ReadonlyArray<CsvCase> = [
  "my file with spaces.csv",
  "a+b=c.csv",
  "datos/ñandú 😀.csv",
  "100% sure.csv",
  "what?#anchor.csv",
  "deep/".repeat(150).concat("k.csv"),
  `${"k".repeat(1000)}.csv`,
].map((key) =>
  ok(`object key ${JSON.stringify(key.slice(0, 30))}`, "id,name\nrow,1\n", [row("row", "1")], key),
);

/** Every CSV object case. */
export const csvObjectCases: ReadonlyArray<CsvCase> = [...structure, ...typedCells, ...objectKeys];

/** One S3 notification record and what it must cause (between two good ones). */
export interface S3RecordCase {
  readonly name: string;
  readonly record: unknown;
  readonly expect:
    | { readonly rejected: { readonly recordId: string; readonly field: string } }
    /** Not an ObjectCreated record: nothing loaded, nothing rejected. */
    | { readonly ignored: true }
    /** `ok.csv` is loaded (its row `ok` stored). */
    | { readonly loaded: true };
}

/** A well-formed ObjectCreated record for `key` in bucket `uploads`, to make hostile variants of. */
export const s3RecordFor = (
  encodedKey: string,
  fields: {
    readonly eventName?: unknown;
    readonly s3?: unknown;
    readonly versionId?: unknown;
  } = {},
): Record<string, unknown> => ({
  eventVersion: "2.1",
  eventSource: "aws:s3",
  awsRegion: "us-east-1",
  eventTime: "2024-01-01T00:00:00.000Z",
  eventName: "eventName" in fields ? fields.eventName : "ObjectCreated:Put",
  s3:
    "s3" in fields
      ? fields.s3
      : {
          s3SchemaVersion: "1.0",
          bucket: { name: "uploads", arn: "arn:aws:s3:::uploads" },
          object: {
            key: encodedKey,
            size: 10,
            ...("versionId" in fields ? { versionId: fields.versionId } : {}),
          },
        },
});

const rejectedAt = (recordId: string, field: string) =>
  ({ rejected: { recordId, field } }) as const;

/** Every S3 notification record case (the good object `ok.csv` exists in bucket `uploads`). */
export const s3RecordCases: ReadonlyArray<S3RecordCase> = [
  { name: "null record", record: null, expect: rejectedAt("#1", "$") },
  { name: "string record", record: "ObjectCreated:Put", expect: rejectedAt("#1", "$") },
  {
    name: "missing eventName",
    record: s3RecordFor("ok.csv", { eventName: undefined }),
    expect: rejectedAt("#1", "eventName"),
  },
  {
    name: "eventName a number",
    record: s3RecordFor("ok.csv", { eventName: 42 }),
    expect: rejectedAt("#1", "eventName"),
  },
  {
    name: "missing s3",
    record: s3RecordFor("ok.csv", { s3: undefined }),
    expect: rejectedAt("#1", "s3"),
  },
  {
    name: "missing bucket name",
    record: s3RecordFor("ok.csv", { s3: { object: { key: "ok.csv" }, bucket: {} } }),
    expect: rejectedAt("#1", "s3.bucket.name"),
  },
  {
    name: "key a number",
    record: s3RecordFor("ok.csv", { s3: { bucket: { name: "uploads" }, object: { key: 7 } } }),
    expect: rejectedAt("#1", "s3.object.key"),
  },
  {
    name: "empty key",
    record: s3RecordFor(""),
    expect: rejectedAt("#1", "s3.object.key"),
  },
  {
    name: "versionId a number",
    record: s3RecordFor("ok.csv", { versionId: 5 }),
    expect: rejectedAt("s3://uploads/ok.csv", "s3.object.versionId"),
  },
  {
    name: "key that is not valid URL encoding",
    record: s3RecordFor("bad%E0%A4%A.csv"),
    expect: rejectedAt("s3://uploads/bad%E0%A4%A.csv", "s3.object.key"),
  },
  {
    name: "object that does not exist",
    record: s3RecordFor("missing.csv"),
    expect: rejectedAt("s3://uploads/missing.csv", "$"),
  },
  {
    name: "ObjectRemoved event",
    record: s3RecordFor("ok.csv", { eventName: "ObjectRemoved:Delete" }),
    expect: { ignored: true },
  },
  {
    name: "unknown extra fields and a __proto__ member",
    record: {
      ...s3RecordFor("ok.csv"),
      ...JSON.parse('{"__proto__":{"polluted":"yes"},"glacierEventData":{}}'),
    },
    expect: { loaded: true },
  },
];
