import type { AttributeMap, AttributeValue } from "../../../domain/attributeValue.js";
import { canonicalKey } from "../../../domain/attributeValue.js";
import { compareNumbers } from "../../../domain/decimal.js";
import type { ItemCondition } from "./InMemoryDynamoDb.js";
import { InMemoryServiceError } from "./serviceError.js";

/**
 * The part of DynamoDB's expression language the in-memory DynamoDB understands: condition
 * expressions made of `attribute_exists(a)`, `attribute_not_exists(a)` and comparisons
 * (`= <> < <= > >=`) of top-level attributes and `:values`, joined by `AND`, `OR`, `NOT` and
 * parentheses; update expressions of one `ADD a :n`. Names may be `#placeholders`. Anything else
 * is refused with a `ValidationException` naming what is not supported, never guessed at.
 */

/**
 * The placeholders of an expression, values in the domain's shape.
 * @example const parameters: ExpressionParameters = { names: { "#pk": "pk" }, values: { ":seq": { S: "7" } } };
 */
export interface ExpressionParameters {
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, AttributeValue>>;
}

const invalid = (message: string): never => {
  throw new InMemoryServiceError("ValidationException", `Invalid expression: ${message}`);
};

const TOKEN = /\s*(<>|<=|>=|[()=<>,]|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;

const tokenize = (expression: string): string[] => {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (match === null) return invalid(`unsupported syntax at "${expression.slice(at)}"`);
    tokens.push(match[1] as string);
  }
  return tokens;
};

type Operand = (item: AttributeMap | undefined) => AttributeValue | undefined;

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** DynamoDB's ordering of two values of one scalar type, or `undefined` when not comparable. */
const order = (a: AttributeValue, b: AttributeValue): number | undefined => {
  if ("S" in a && "S" in b) return utf8Order(a.S, b.S);
  if ("N" in a && "N" in b) return compareNumbers(a.N, b.N);
  if ("B" in a && "B" in b)
    return Buffer.compare(Buffer.from(a.B, "base64"), Buffer.from(b.B, "base64"));
  return undefined;
};

const ordered =
  (test: (order: number) => boolean) =>
  (a: AttributeValue, b: AttributeValue): boolean => {
    const o = order(a, b);
    return o !== undefined && test(o);
  };

/** Equality: scalars by their order (numbers numerically), other types structurally. */
const equal = (a: AttributeValue, b: AttributeValue): boolean => {
  const o = order(a, b);
  return o === undefined ? canonicalKey({ v: a }) === canonicalKey({ v: b }) : o === 0;
};

const COMPARISONS: Readonly<Record<string, (a: AttributeValue, b: AttributeValue) => boolean>> = {
  "=": equal,
  "<>": (a, b) => !equal(a, b),
  "<": ordered((o) => o < 0),
  "<=": ordered((o) => o <= 0),
  ">": ordered((o) => o > 0),
  ">=": ordered((o) => o >= 0),
};

/** The attribute a name token stands for (`#placeholder` resolved). */
const nameOf = (token: string, parameters: ExpressionParameters): string => {
  if (token.startsWith(":")) invalid(`a value (${token}) where a name is expected`);
  if (!token.startsWith("#")) return token;
  return parameters.names?.[token] ?? invalid(`undefined name placeholder ${token}`);
};

/** A recursive-descent parser over the tokens, building the condition as a function. */
class ConditionParser {
  private at = 0;

  constructor(
    private readonly tokens: ReadonlyArray<string>,
    private readonly parameters: ExpressionParameters,
  ) {}

  parse(): ItemCondition {
    const condition = this.or();
    if (this.at < this.tokens.length) invalid(`unexpected "${this.tokens[this.at]}"`);
    return condition;
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private next(): string {
    const token = this.tokens[this.at++];
    return token === undefined ? invalid("unexpected end") : token;
  }

  private expect(token: string): void {
    const found = this.next();
    if (found !== token) invalid(`expected "${token}", found "${found}"`);
  }

  private keyword(word: string): boolean {
    if (this.peek()?.toUpperCase() !== word) return false;
    this.at += 1;
    return true;
  }

  private or(): ItemCondition {
    let left = this.and();
    while (this.keyword("OR")) {
      const [a, b] = [left, this.and()];
      left = (item) => a(item) || b(item);
    }
    return left;
  }

  private and(): ItemCondition {
    let left = this.not();
    while (this.keyword("AND")) {
      const [a, b] = [left, this.not()];
      left = (item) => a(item) && b(item);
    }
    return left;
  }

  private not(): ItemCondition {
    if (this.keyword("NOT")) {
      const inner = this.not();
      return (item) => !inner(item);
    }
    if (this.peek() === "(") {
      this.next();
      const inner = this.or();
      this.expect(")");
      return inner;
    }
    const token = this.next();
    if (token === "attribute_exists" || token === "attribute_not_exists") {
      this.expect("(");
      const name = this.name(this.next());
      this.expect(")");
      const exists = (item: AttributeMap | undefined) =>
        item !== undefined && Object.hasOwn(item, name);
      return token === "attribute_exists" ? exists : (item) => !exists(item);
    }
    const left = this.operand(token);
    const comparator = this.next();
    const compare = COMPARISONS[comparator] ?? invalid(`unsupported comparator "${comparator}"`);
    const right = this.operand(this.next());
    return (item) => {
      const [a, b] = [left(item), right(item)];
      return a !== undefined && b !== undefined && compare(a, b);
    };
  }

  private name(token: string): string {
    return nameOf(token, this.parameters);
  }

  private operand(token: string): Operand {
    if (token.startsWith(":")) {
      const value = this.parameters.values?.[token] ?? invalid(`undefined value ${token}`);
      return () => value;
    }
    const name = this.name(token);
    return (item) => (item !== undefined && Object.hasOwn(item, name) ? item[name] : undefined);
  }
}

/**
 * A ConditionExpression as a condition on the stored item (undefined when absent).
 * @example conditionOf("attribute_not_exists(#pk)", { names: { "#pk": "pk" } })(undefined) // true
 */
export const conditionOf = (expression: string, parameters: ExpressionParameters): ItemCondition =>
  new ConditionParser(tokenize(expression), parameters).parse();

/**
 * The attribute and number of an UpdateExpression `ADD a :n` (the one form supported).
 * @example addOf("ADD #total :delta", { names: { "#total": "total" }, values: { ":delta": { N: "2" } } })
 * // { attribute: "total", delta: "2" }
 */
export const addOf = (
  expression: string,
  parameters: ExpressionParameters,
): { readonly attribute: string; readonly delta: string } => {
  const tokens = tokenize(expression);
  const [action, name, value] = tokens;
  if (tokens.length !== 3 || action?.toUpperCase() !== "ADD" || name === undefined)
    return invalid(`only "ADD name :number" updates are supported, got "${expression}"`);
  const attribute = nameOf(name, parameters);
  const delta = value === undefined ? undefined : parameters.values?.[value];
  if (delta === undefined || !("N" in delta))
    return invalid(`ADD takes a number value, got ${value ?? "nothing"}`);
  return { attribute, delta: delta.N };
};

/**
 * An UpdateExpression of `ADD`, `SET` and `REMOVE` clauses over top-level attributes:
 * `ADD a :n[, b :m]`, `SET a = :v[, b = :w]`, `REMOVE a[, b]`, in any order.
 * @example updateOf("ADD #t :d SET #w = :v", parameters) // { add: [...], set: [...], remove: [] }
 */
export interface ItemUpdate {
  readonly add: ReadonlyArray<{ readonly attribute: string; readonly delta: string }>;
  readonly set: ReadonlyArray<{ readonly attribute: string; readonly value: AttributeValue }>;
  readonly remove: ReadonlyArray<string>;
}

const CLAUSES = new Set(["ADD", "SET", "REMOVE"]);

/**
 * Parses an {@link ItemUpdate}; anything else (functions, arithmetic, nested paths, DELETE) is
 * refused with a `ValidationException`.
 * @example updateOf("SET #w = :v REMOVE #old", { names: { "#w": "w", "#old": "old" }, values: { ":v": { S: "x" } } })
 */
export const updateOf = (expression: string, parameters: ExpressionParameters): ItemUpdate => {
  const tokens = tokenize(expression);
  const update = {
    add: [] as ItemUpdate["add"][number][],
    set: [] as ItemUpdate["set"][number][],
    remove: [] as string[],
  };
  const valueAt = (token: string | undefined): AttributeValue =>
    (token?.startsWith(":") ? parameters.values?.[token] : undefined) ??
    invalid(`expected a defined :value, got ${token ?? "nothing"}`);
  let at = 0;
  while (at < tokens.length) {
    const clause = tokens[at++]?.toUpperCase() ?? "";
    if (!CLAUSES.has(clause)) return invalid(`unsupported update clause "${clause}"`);
    do {
      const name = nameOf(tokens[at++] ?? invalid("a name is missing"), parameters);
      if (clause === "REMOVE") update.remove.push(name);
      else if (clause === "SET") {
        if (tokens[at++] !== "=") invalid(`SET ${name} needs "= :value"`);
        update.set.push({ attribute: name, value: valueAt(tokens[at++]) });
      } else {
        const delta = valueAt(tokens[at++]);
        if (!("N" in delta)) invalid(`ADD takes a number value for ${name}`);
        else update.add.push({ attribute: name, delta: delta.N });
      }
    } while (tokens[at] === "," && ++at);
  }
  return update;
};
