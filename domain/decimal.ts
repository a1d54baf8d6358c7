import Big from "big.js";

/**
 * Exact decimal arithmetic on DynamoDB number strings (up to 38 significant digits), so totals
 * match what DynamoDB's own `ADD` computes; JavaScript numbers would round past 2⁵³.
 */

const NUMBER_SYNTAX = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A plain decimal (no exponent). With at most 38 characters it has at most 38 significant digits
 * and a magnitude between 1E-38 and 1E+38: always a valid DynamoDB number, no big.js needed.
 */
const PLAIN = /^[-+]?(\d+\.?\d*|\.\d+)$/;
const PLAIN_MAX_CHARS = 38;
/** An integer below 10^15 in magnitude: JS numbers hold it, and a sum of two, exactly. */
const SMALL_INTEGER = /^[-+]?\d{1,15}$/;

/** big.js refuses a leading "+", which DynamoDB accepts ("+5" is stored as "5"). */
const big = (text: string): Big => new Big(text.startsWith("+") ? text.slice(1) : text);

/**
 * Whether a string is a number DynamoDB accepts (syntax and at most 38 significant digits,
 * magnitude between 1E-130 and 1E+126).
 * @example isDynamoNumber("12.50") // true
 */
export const isDynamoNumber = (text: string): boolean => {
  // Fast path (the common case: prices, quantities), measured by bench/streamDecode.ts.
  if (text.length <= PLAIN_MAX_CHARS && PLAIN.test(text)) return true;
  if (!NUMBER_SYNTAX.test(text)) return false;
  const value = big(text);
  if (value.eq(0)) return true;
  const digits = value.c.length;
  return digits <= 38 && value.e >= -130 && value.e <= 125;
};

/**
 * The canonical form DynamoDB stores (`"1.50"` → `"1.5"`, `"1e3"` → `"1000"`, `"-0"` → `"0"`).
 * @example normalizeNumber("007.10") // "7.1"
 */
export const normalizeNumber = (text: string): string => {
  if (SMALL_INTEGER.test(text)) return String(Number(text)); // "-0" → "0", "007" → "7"
  const value = big(text);
  return value.eq(0) ? "0" : value.toFixed();
};

/**
 * Exact sum of two number strings, in canonical form.
 * @example addNumbers("0.1", "0.2") // "0.3"
 */
export const addNumbers = (a: string, b: string): string =>
  SMALL_INTEGER.test(a) && SMALL_INTEGER.test(b)
    ? String(Number(a) + Number(b))
    : normalizeNumber(big(a).plus(big(b)).toFixed());

/**
 * Exact difference `a − b`, in canonical form.
 * @example subtractNumbers("10", "2.5") // "7.5"
 */
export const subtractNumbers = (a: string, b: string): string =>
  normalizeNumber(big(a).minus(big(b)).toFixed());

/**
 * Whether a number string is zero.
 * @example isZeroNumber("-0.00") // true
 */
export const isZeroNumber = (text: string): boolean =>
  PLAIN.test(text) ? !/[1-9]/.test(text) : big(text).eq(0);

/**
 * The opposite of a number string, in canonical form.
 * @example negateNumber("-2.5") // "2.5"
 */
export const negateNumber = (text: string): string =>
  SMALL_INTEGER.test(text) ? String(-Number(text)) : normalizeNumber(big(text).neg().toFixed());

/**
 * The integer part of a number string (truncation toward zero), in canonical form.
 * @example truncateNumber("-12.7") // "-12"
 */
export const truncateNumber = (text: string): string =>
  normalizeNumber(big(text).round(0, Big.roundDown).toFixed());

/**
 * Compares two number strings exactly: -1, 0 or 1.
 * @example compareNumbers("9", "10") // -1
 */
export const compareNumbers = (a: string, b: string): number => big(a).cmp(big(b));
