/**
 * An instant (milliseconds since the Unix epoch) as ISO 8601 UTC with milliseconds, or
 * `undefined` when it is outside the range a date can represent. It formats the instant it is
 * given and never reads the clock.
 * @example isoTime(1_545_084_650_987) // "2018-12-17T22:10:50.987Z"
 */
export const isoTime = (epochMs: number): string | undefined => {
  if (!Number.isFinite(epochMs)) return undefined;
  // biome-ignore lint/style/noRestrictedGlobals: formats a given instant; never reads the clock
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};
