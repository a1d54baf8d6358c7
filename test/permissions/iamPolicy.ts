/**
 * IAM's matching of actions and resources in Allow statements, enough to check the exported
 * statements against recorded calls: actions match case-insensitively with `*` and `?`; a
 * resource `*` matches everything, otherwise ARNs are compared segment by segment (partition,
 * service, region, account, resource: the first five colons split them), case-sensitively, each
 * segment with `*` (any run of characters within the segment) and `?` (one character).
 */
import type { PolicyStatement } from "../../handlers/lambda/permissions.js";

const globToRegExp = (pattern: string, flags: string): RegExp =>
  new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
      .join("")}$`,
    flags,
  );

/** `arn:p:s:r:a:rest:with:colons` → [arn, p, s, r, a, rest:with:colons]. */
const arnSegments = (arn: string): string[] => {
  const parts = arn.split(":");
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
};

/**
 * Whether an IAM action pattern (`sqs:Send*`) covers an action (`sqs:SendMessage`).
 * @example actionMatches("dynamodb:*Item", "dynamodb:PutItem") // true
 */
export const actionMatches = (pattern: string, action: string): boolean =>
  globToRegExp(pattern, "i").test(action);

/**
 * Whether an IAM resource pattern covers a resource ARN, with wildcards kept within a segment.
 * @example resourceMatches("arn:aws:s3:::uploads/*", "arn:aws:s3:::uploads/a/b.csv") // true
 */
export const resourceMatches = (pattern: string, arn: string): boolean => {
  if (pattern === "*") return true;
  const want = arnSegments(pattern);
  const have = arnSegments(arn);
  if (want.length !== 6 || have.length !== 6 || !arn.startsWith("arn:")) return false;
  return want.every((segment, i) => globToRegExp(segment, "").test(have[i] ?? ""));
};

/**
 * Whether any statement allows `action` on `resource`.
 * @example isAllowed(permissions.functionCode, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:rows")
 */
export const isAllowed = (
  statements: ReadonlyArray<PolicyStatement>,
  action: string,
  resource: string,
): boolean =>
  statements.some(
    (s) =>
      s.Effect === "Allow" &&
      s.Action.some((a) => actionMatches(a, action)) &&
      s.Resource.some((r) => resourceMatches(r, resource)),
  );

/**
 * Every (action, resource) pair the statements grant, one per action and resource listed.
 * @example grantsOf(permissions.functionCode) // [{ action: "sqs:SendMessage", resource: "arn:aws:sqs:…" }]
 */
export const grantsOf = (
  statements: ReadonlyArray<PolicyStatement>,
): ReadonlyArray<{ readonly action: string; readonly resource: string }> =>
  statements.flatMap((s) =>
    s.Action.flatMap((action) => s.Resource.map((resource) => ({ action, resource }))),
  );
