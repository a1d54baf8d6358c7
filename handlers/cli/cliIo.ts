import { readFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";

/**
 * What a command talks to: its output lines, its error/progress lines, whether stderr is a
 * terminal (progress redraws one line) and the environment (the SDK reads its own).
 * @example const io: CliIo = processIo();
 */
export interface CliIo {
  /** One line of the command's result (stdout). */
  readonly out: (line: string) => void;
  /** One line of diagnostics or progress (stderr). */
  readonly err: (line: string) => void;
  /** Rewrites the current stderr line (a terminal only). */
  readonly status: (line: string) => void;
  readonly isTty: boolean;
  readonly now: () => number;
}

/**
 * The process's stdout and stderr; `isTty` says whether stderr is a terminal (a worker thread
 * is told by the main thread: its own stderr is a pipe).
 * @example process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export const processIo = (isTty: boolean = process.stderr.isTTY === true): CliIo => ({
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  status: (line) => process.stderr.write(`\r\x1b[2K${line}`),
  isTty,
  now: () => Date.now(),
});

/** Exit status: everything done and right. */
export const EXIT_OK = 0;
/** Exit status: something was rejected or found wrong (the summary says what). */
export const EXIT_FOUND_WRONG = 1;
/** Exit status: the command could not run (bad flags, unreadable file, AWS refused). */
export const EXIT_FAILED = 2;

/**
 * Reads a UTF-8 file, or says why it cannot.
 * @example const text = await readText("mapping.json"); // right("[[…]]")
 */
export const readText = async (path: string): Promise<E.Either<string, string>> => {
  try {
    return E.right(await readFile(path, "utf8"));
  } catch (error) {
    return E.left(`cannot read ${path}: ${(error as Error).message}`);
  }
};

/**
 * Reads and parses a JSON file, or says why it cannot.
 * @example const spec = await readJson("spec.json"); // right({ groupBy: […], sum: {…} })
 */
export const readJson = async (path: string): Promise<E.Either<string, unknown>> => {
  const text = await readText(path);
  if (E.isLeft(text)) return text;
  try {
    return E.right(JSON.parse(text.right) as unknown);
  } catch (error) {
    return E.left(`${path} is not valid JSON: ${(error as Error).message}`);
  }
};
