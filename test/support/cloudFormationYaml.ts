import { type CollectionTag, parse, type ScalarTag, YAMLMap, YAMLSeq } from "yaml";

/**
 * CloudFormation's short-form intrinsic functions (`!Ref`, `!GetAtt`, `!Sub`, …) as YAML tags, so
 * a template reads as the JSON CloudFormation sees: `!GetAtt Queue.Arn` →
 * `{ "Fn::GetAtt": ["Queue", "Arn"] }`, `!Ref X` → `{ Ref: "X" }`.
 */

const FUNCTIONS = [
  "Ref",
  "Condition",
  "GetAtt",
  "Sub",
  "Join",
  "Select",
  "Split",
  "If",
  "Equals",
  "Not",
  "And",
  "Or",
  "FindInMap",
  "ImportValue",
  "Base64",
  "GetAZs",
  "Cidr",
  "Transform",
] as const;

const keyOf = (name: string): string =>
  name === "Ref" || name === "Condition" ? name : `Fn::${name}`;

const scalar = (name: string): ScalarTag => ({
  tag: `!${name}`,
  resolve: (text: string) => ({ [keyOf(name)]: name === "GetAtt" ? text.split(".") : text }),
});

// The `yaml` types declare a collection tag's resolve over its node class; these return plain
// JSON, which `parse` takes as the value.
const collection = (name: string, kind: "seq" | "map"): CollectionTag =>
  ({
    tag: `!${name}`,
    collection: kind,
    nodeClass: kind === "seq" ? YAMLSeq : YAMLMap,
    resolve: (node: YAMLSeq | YAMLMap) => ({ [keyOf(name)]: node.toJSON() }),
  }) as unknown as CollectionTag;

const cloudFormationTags = FUNCTIONS.flatMap((name) => [
  scalar(name),
  collection(name, "seq"),
  collection(name, "map"),
]);

/**
 * Parses a CloudFormation/SAM template written in YAML, short-form intrinsics included.
 * @example parseTemplate("A: !GetAtt Queue.Arn") // { A: { "Fn::GetAtt": ["Queue", "Arn"] } }
 */
export const parseTemplate = (text: string): unknown =>
  parse(text, { customTags: cloudFormationTags });
