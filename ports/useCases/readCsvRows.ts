import Papa from "papaparse";

/**
 * One physical row of a CSV object, with the line it starts on (1-based).
 * @example const line: CsvLine = { kind: "row", line: 2, cells: ["1", "apple"] };
 */
export type CsvLine =
  /** A row, its cells unquoted. */
  | { readonly kind: "row"; readonly line: number; readonly cells: ReadonlyArray<string> }
  /** A row that cannot be read cleanly (bad quotes, not UTF-8); the rows after it are still read. */
  | { readonly kind: "malformed"; readonly line: number; readonly reason: string }
  /** Reading stopped here (a runaway row): the rest of the object is not read. */
  | { readonly kind: "fatal"; readonly line: number; readonly reason: string };

/**
 * Options of {@link readCsvRows}.
 * @example const options: CsvReadOptions = { maxRowChars: 400_000 };
 */
export interface CsvReadOptions {
  /** Longest row accepted, in characters (default 1 MiB, well above a 400 KB item). */
  readonly maxRowChars?: number;
}

type Newline = "\n" | "\r\n" | "\r";

const DEFAULT_MAX_ROW_CHARS = 1024 * 1024;
/** What the decoder puts in place of bytes that are not UTF-8. */
const REPLACEMENT = "\uFFFD";
const NOT_UTF8 =
  "not valid UTF-8 (the row holds bytes that are not UTF-8, or U+FFFD, the mark of text already damaged)";

/** The first line break outside quotes decides the file's line endings (as papaparse guesses). */
const guessNewline = (text: string, final: boolean): Newline | undefined => {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && c === 0x0a) return "\n";
    else if (!quoted && c === 0x0d) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === 0x0a ? "\r\n" : "\r";
      return final ? "\r" : undefined;
    }
  }
  return final ? "\n" : undefined;
};

/** Line breaks (`\r\n`, `\r` or `\n`, quoted or not) in `text[from, to)`. */
const countBreaks = (text: string, from: number, to: number): number => {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) breaks++;
    else if (c === 0x0d) {
      breaks++;
      if (text.charCodeAt(i + 1) === 0x0a) i++;
    }
  }
  return breaks;
};

const NEWLINE_NAMES: Readonly<Record<Newline, string>> = { "\n": "LF", "\r\n": "CRLF", "\r": "CR" };

const mixedEndings = (newline: Newline): string =>
  `mixed line endings: a line break outside quotes that is not ${NEWLINE_NAMES[newline]}, the file's (from its first line); the row is not read rather than read with a stray line break`;

/** Whether `text` holds a line break character the file's line ending does not explain. */
const mayHoldForeignBreak = (text: string, newline: Newline): boolean =>
  newline === "\n"
    ? text.includes("\r")
    : newline === "\r"
      ? text.includes("\n")
      : /\r(?!\n)|(?<!\r)\n/.test(text);

/**
 * Whether the row `text[from, to)` holds, outside quotes, a line break of another kind than the
 * file's (a CRLF row in an LF file would otherwise keep a stray `\r` in its last cell, an LF row
 * in a CRLF file would merge two rows). Only called when {@link mayHoldForeignBreak}.
 */
const hasForeignBreak = (text: string, from: number, to: number, newline: Newline): boolean => {
  let quoted = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x0a || c === 0x0d)) {
      // Not past the row: in a CR file, a row's CR followed by the next line's LF is no CRLF.
      const isCrLf = c === 0x0d && i + 1 < to && text.charCodeAt(i + 1) === 0x0a;
      const found: Newline = isCrLf ? "\r\n" : c === 0x0a ? "\n" : "\r";
      if (found !== newline) return true;
      if (isCrLf) i++;
    }
  }
  return false;
};

/** Whether `text[from, to)` is nothing but line breaks: an empty line, whatever its ending. */
const isEmptyLine = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
};

interface Parsed {
  readonly lines: CsvLine[];
  /** Characters of `text` consumed (complete rows only unless `final`). */
  readonly consumed: number;
  /** The line the unconsumed text starts on. */
  readonly nextLine: number;
}

/**
 * Parses the complete rows of `text` (and the last, unterminated one when `final`). An empty line
 * with another line ending than the file's is not reported at once: it goes to `held`, and is
 * reported (mixed line endings) only when a row follows it; empty lines at the end of the object
 * hold no row, whatever their ending, and are dropped by the caller.
 */
const parseRows = (
  text: string,
  newline: Newline,
  firstLine: number,
  final: boolean,
  held: CsvLine[],
): Parsed => {
  const lines: CsvLine[] = [];
  const checkEncoding = text.includes(REPLACEMENT);
  const checkBreaks = mayHoldForeignBreak(text, newline);
  let line = firstLine;
  let end = 0;
  const report = (entry: CsvLine) => {
    lines.push(...held.splice(0), entry);
  };
  const parser = new Papa.Parser({
    delimiter: ",",
    newline,
    quoteChar: '"',
    step: (result: Papa.ParseStepResult<string[][]>) => {
      const cells = result.data[0] ?? [];
      const error = result.errors[0];
      const cursor = result.meta.cursor;
      if (error !== undefined) report({ kind: "malformed", line, reason: error.message });
      else if (checkEncoding && cells.some((cell) => cell.includes(REPLACEMENT)))
        report({ kind: "malformed", line, reason: NOT_UTF8 });
      else if (checkBreaks && hasForeignBreak(text, end, cursor, newline)) {
        const malformed: CsvLine = { kind: "malformed", line, reason: mixedEndings(newline) };
        if (isEmptyLine(text, end, cursor)) held.push(malformed);
        else report(malformed);
      } else if (!(cells.length === 1 && cells[0] === "")) report({ kind: "row", line, cells });
      line += countBreaks(text, end, cursor);
      end = cursor;
    },
  });
  parser.parse(text, 0, !final);
  return { lines, consumed: final ? text.length : end, nextLine: line };
};

/**
 * Reads the rows of a CSV body as it streams: UTF-8 (a BOM is dropped; a row holding bytes that
 * are not UTF-8 is reported `malformed`), `,`-separated, fields
 * optionally quoted with `"` (quoted fields may hold commas, line breaks and `""`), line endings
 * `\n`, `\r\n` or `\r` (guessed from the first line). Empty lines are skipped, but every row
 * carries the physical line it starts on, counting the line breaks inside quoted fields. A row
 * whose line break outside quotes is of another kind than the file's is reported `malformed`
 * (mixed line endings), and so is an empty line of another kind followed by a row; empty lines
 * at the end of the object hold no row and are never reported, whatever their line endings.
 *
 * Pull-based: a chunk is read from `body` only when the consumer asks for a row the chunks read
 * so far cannot give, so a consumer that awaits between rows holds the source back (at most
 * one chunk of rows is buffered).
 *
 * @example
 * for await (const row of readCsvRows(object.body)) if (row.kind === "row") console.log(row.line, row.cells);
 */
export async function* readCsvRows(
  body: AsyncIterable<Uint8Array>,
  options: CsvReadOptions = {},
): AsyncGenerator<CsvLine, void, undefined> {
  for await (const rows of readCsvRowBatches(body, options)) yield* rows;
}

/**
 * {@link readCsvRows} a chunk at a time: each item is the rows one chunk of `body` completed
 * (never empty), so a consumer pays the async iteration once per chunk, not once per row
 * (≈ 0.5 µs a row, measured by bench/csvLoad.ts). Same pull-based backpressure.
 *
 * @example
 * for await (const rows of readCsvRowBatches(object.body)) for (const row of rows) console.log(row.line);
 */
export async function* readCsvRowBatches(
  body: AsyncIterable<Uint8Array>,
  options: CsvReadOptions = {},
): AsyncGenerator<ReadonlyArray<CsvLine>, void, undefined> {
  const maxRowChars = options.maxRowChars ?? DEFAULT_MAX_ROW_CHARS;
  // Not fatal: bad bytes become U+FFFD (never a comma, quote or line break, so the CSV
  // structure survives) and the rows holding them are reported as malformed.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let pending = "";
  let line = 1;
  let started = false;
  let newline: Newline | undefined;
  /** Empty lines of another ending than the file's, not yet known to be followed by a row. */
  const held: CsvLine[] = [];
  for await (const chunk of body) {
    let text = decoder.decode(chunk, { stream: true });
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    pending += text;
    newline ??= guessNewline(pending, false);
    if (newline !== undefined) {
      const parsed = parseRows(pending, newline, line, false, held);
      pending = pending.slice(parsed.consumed);
      line = parsed.nextLine;
      if (parsed.lines.length > 0) yield parsed.lines;
    }
    if (pending.length > maxRowChars) {
      yield [
        ...held.splice(0),
        {
          kind: "fatal",
          line,
          reason: `row longer than ${maxRowChars} characters (an unclosed quote?); the rest of the object is not read`,
        },
      ];
      return;
    }
  }
  const tail = decoder.decode();
  pending += started || tail.charCodeAt(0) !== 0xfeff ? tail : tail.slice(1);
  const last = parseRows(pending, newline ?? guessNewline(pending, true) ?? "\n", line, true, held);
  // What is still held are the object's last lines, all empty: no row, nothing to report.
  if (last.lines.length > 0) yield last.lines;
}
