/**
 * The UTC calendar day of an ISO 8601 date or date-time string, computed without `Date` (the
 * domain never reads the clock, and `Date.parse` accepts impossible dates such as `2026-02-30`).
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const isLeapYear = (year: number): boolean =>
  (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

const pad = (value: number, width: number): string => String(value).padStart(width, "0");

/** The day after or before `year-month-day` (a valid date). */
const shiftDay = (year: number, month: number, day: number, by: 1 | -1): string => {
  let [y, m, d] = [year, month, day + by];
  if (d < 1) {
    m -= 1;
    if (m < 1) [y, m] = [y - 1, 12];
    d = daysInMonth(y, m);
  } else if (d > daysInMonth(y, m)) {
    [m, d] = [m + 1, 1];
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
};

/** Minutes east of UTC of an offset (`Z`, `+05`, `-05:00`, `+0530`), or undefined if invalid. */
const offsetMinutes = (offset: string | undefined): number | undefined => {
  if (offset === undefined || offset === "Z") return 0;
  const digits = offset.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (offset.startsWith("-") ? -1 : 1) * (hours * 60 + minutes);
};

/**
 * The `YYYY-MM-DD` UTC day of an ISO 8601 date (`2026-11-21`) or date-time (`2026-11-21T10:00Z`,
 * `2026-11-21T23:30:00-05:00` → `2026-11-22`), or `undefined` when the text is not one or names
 * an impossible date or time (`2026-02-30`, `2026-13-01`, `T25:00`). A time without an offset is
 * taken as written (its day is the date written).
 * @example utcDayOf("2026-11-21T23:30:00-05:00") // "2026-11-22"
 */
export const utcDayOf = (text: string): string | undefined => {
  const match = DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, offset] = match;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const date = `${y}-${mo}-${d}`;
  if (h === undefined || mi === undefined) return date;
  const [hour, minute, second] = [Number(h), Number(mi), Number(s ?? "0")];
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const east = offsetMinutes(offset);
  if (east === undefined) return undefined;
  const utcMinutes = hour * 60 + minute - east;
  if (utcMinutes < 0) return shiftDay(year, month, day, -1);
  if (utcMinutes >= 24 * 60) return shiftDay(year, month, day, 1);
  return date;
};
