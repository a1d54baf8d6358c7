import * as E from "fp-ts/lib/Either.js";
import { attributePath } from "./attributeValidation.js";
import type { AttributeValue } from "./attributeValue.js";

/**
 * JSON text → DynamoDB JSON, without going through JavaScript values: numbers keep the digits
 * they were written with (`12345678901234567890` stays `{ N: "12345678901234567890" }`, where
 * `JSON.parse` would round it and turn `1e400` into `Infinity`), nesting deeper than a limit is
 * refused before anything deep is built, and the parser never recurses, so hostile input cannot
 * overflow the stack. Objects become `M`, arrays `L`, strings `S`, booleans `BOOL`, null `NULL`.
 * Object keys become own data properties (`__proto__` is an ordinary attribute name); for a key
 * given twice the last value wins, as with `JSON.parse`. Numbers are only checked against JSON's
 * grammar: whether DynamoDB can store them is the caller's check (`validateAttributeValue`).
 */

/** Why a text was refused: `path` is `""` for a syntax error, the too-deep value's path otherwise. */
export interface JsonProblem {
  readonly path: string;
  readonly reason: string;
}

type Frame =
  | { readonly kind: "array"; readonly items: AttributeValue[] }
  | { readonly kind: "object"; readonly entries: Map<string, AttributeValue>; key: string };

class Refused extends Error {
  constructor(readonly problem: JsonProblem) {
    super(problem.reason);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

const pathOf = (stack: ReadonlyArray<Frame>): string =>
  stack.reduce(
    (path, frame) =>
      frame.kind === "array" ? `${path}[${frame.items.length}]` : attributePath(path, frame.key),
    "",
  );

/**
 * Parses JSON text into an attribute value, refusing containers nested more than `maxDepth`
 * levels (the root container is level 1).
 * @example parseJsonAttribute('{"id":12345678901234567890}', 32) // right({ M: { id: { N: "12345678901234567890" } } })
 */
export const parseJsonAttribute = (
  text: string,
  maxDepth: number,
): E.Either<JsonProblem, AttributeValue> => {
  let pos = 0;
  const stack: Frame[] = [];
  const where = () =>
    pos >= text.length
      ? "at the end of the text"
      : `at position ${pos} (${JSON.stringify(text[pos])})`;
  const fail = (reason: string): never => {
    throw new Refused({ path: "", reason: `${reason} ${where()}` });
  };
  const skipWhitespace = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else return;
    }
  };
  const expect = (char: string, what: string) => {
    if (text[pos] !== char) fail(`expected ${what}`);
    pos++;
  };
  const readString = (): string => {
    expect('"', "a string");
    const parts: string[] = [];
    for (;;) {
      const start = pos;
      for (; pos < text.length; pos++) {
        const code = text.charCodeAt(pos);
        if (code === 0x22 || code === 0x5c || code < 0x20) break;
      }
      parts.push(text.slice(start, pos));
      const c = text[pos];
      if (c === '"') {
        pos++;
        return parts.join("");
      }
      if (c === undefined) fail("unterminated string");
      if (c !== "\\") fail("control character in a string");
      const escaped = text[pos + 1] ?? "";
      if (escaped === "u") {
        const hex = text.slice(pos + 2, pos + 6);
        if (!HEX4.test(hex)) fail("invalid \\u escape");
        parts.push(String.fromCharCode(Number.parseInt(hex, 16)));
        pos += 6;
      } else {
        const decoded = Object.hasOwn(ESCAPES, escaped) ? ESCAPES[escaped] : undefined;
        if (decoded === undefined) fail("invalid escape");
        parts.push(decoded as string);
        pos += 2;
      }
    }
  };
  const readKey = (): string => {
    skipWhitespace();
    const key = readString();
    skipWhitespace();
    expect(":", '":" after an object key');
    return key;
  };
  const readLiteral = (word: string, value: AttributeValue): AttributeValue => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return value;
    }
    return fail("unexpected character");
  };
  const readScalar = (): AttributeValue => {
    const c = text[pos];
    if (c === '"') return { S: readString() };
    if (c === "t") return readLiteral("true", { BOOL: true });
    if (c === "f") return readLiteral("false", { BOOL: false });
    if (c === "n") return readLiteral("null", { NULL: true });
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text)?.[0];
    if (number === undefined)
      return fail(c === undefined ? "expected a value" : "unexpected character");
    pos += number.length;
    return { N: number };
  };
  /** Reads a value's start: a scalar (returned), or an opened container (pushed; undefined). */
  const open = (): AttributeValue | undefined => {
    skipWhitespace();
    const c = text[pos];
    if (c !== "{" && c !== "[") return readScalar();
    if (stack.length >= maxDepth)
      throw new Refused({
        path: pathOf(stack),
        reason: `nested deeper than ${maxDepth} levels`,
      });
    pos++;
    skipWhitespace();
    if (c === "[") {
      if (text[pos] === "]") {
        pos++;
        return { L: [] };
      }
      stack.push({ kind: "array", items: [] });
      return undefined;
    }
    if (text[pos] === "}") {
      pos++;
      return { M: {} };
    }
    stack.push({ kind: "object", entries: new Map(), key: readKey() });
    return undefined;
  };
  try {
    for (;;) {
      let value = open();
      if (value === undefined) continue;
      // A value is complete: hand it to its container, closing the containers it completes.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          skipWhitespace();
          if (pos < text.length) fail("unexpected text after the JSON value");
          return E.right(value);
        }
        if (top.kind === "array") top.items.push(value);
        else top.entries.set(top.key, value);
        skipWhitespace();
        if (text[pos] === ",") {
          pos++;
          if (top.kind === "object") top.key = readKey();
          break;
        }
        expect(top.kind === "array" ? "]" : "}", `"," or "${top.kind === "array" ? "]" : "}"}"`);
        stack.pop();
        // Object.fromEntries defines own data properties: "__proto__" cannot reach the prototype.
        value = top.kind === "array" ? { L: top.items } : { M: Object.fromEntries(top.entries) };
      }
    }
  } catch (error) {
    if (error instanceof Refused) return E.left(error.problem);
    throw error;
  }
};
