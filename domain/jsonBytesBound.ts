/**
 * An upper bound of the UTF-8 size of `JSON.stringify(value)`, computed without writing it: 6
 * bytes per UTF-16 unit of a string (an escape `\u001f` is 6 characters; a non-ASCII unit is at
 * most 3 bytes), 24 per number, 5 per boolean, 4 per null, plus brackets, quotes, colons and
 * commas. Values JSON skips (undefined, functions) count 4, as if they were null.
 * @example jsonBytesBound({ S: "a" }) // 18 (the text is 9 bytes)
 */
export const jsonBytesBound = (value: unknown): number => {
  switch (typeof value) {
    case "string":
      return 6 * value.length + 2;
    case "number":
    case "bigint":
      return 24;
    case "boolean":
      return 5;
    case "object": {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let bytes = 2;
        for (const element of value) bytes += jsonBytesBound(element) + 1;
        return bytes;
      }
      let bytes = 2;
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record))
        bytes += 6 * key.length + 4 + jsonBytesBound(record[key]);
      return bytes;
    }
    default:
      return 4;
  }
};
