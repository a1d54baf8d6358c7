/**
 * A synthesized template's values as CloudFormation would deploy them, so a test can compare IAM
 * statements with the ARNs of the calls a function makes: pseudo parameters take the stack's
 * environment (partition `aws`), each resource the template creates is named after its logical
 * id unless its properties name it, and `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Select` and
 * `Fn::Split` are evaluated. Only the resource types the pipelines' policies refer to are known;
 * another one throws, naming it.
 */
import type { Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";

type Json = Readonly<Record<string, unknown>>;
interface Resource {
  readonly Type: string;
  readonly Properties?: Json;
}

const STREAM_LABEL = "2026-01-01T00:00:00.000";

/**
 * Evaluates the template's intrinsic functions, and CDK tokens through `stack.resolve`.
 * @example const deployed = deployedValues(stack, template); deployed.string(queue.queueArn)
 */
export const deployedValues = (stack: Stack, template: Template) => {
  const resources = template.toJSON().Resources as Readonly<Record<string, Resource>>;
  const region = String(stack.resolve(stack.region));
  const account = String(stack.resolve(stack.account));
  const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${account}:${rest}`;

  const named = (id: string, property: string, fallback = id): string => {
    const name = resources[id]?.Properties?.[property];
    return name === undefined ? fallback : String(evaluate(name));
  };

  const attribute = (id: string, name: string): string => {
    const type = resources[id]?.Type;
    const props = resources[id]?.Properties ?? {};
    switch (type) {
      case "AWS::SQS::Queue": {
        const queue = named(id, "QueueName", props.FifoQueue === true ? `${id}.fifo` : id);
        const attributes: Json = {
          Ref: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
          Arn: arn("sqs", queue),
          QueueName: queue,
        };
        if (typeof attributes[name] === "string") return attributes[name] as string;
        break;
      }
      case "AWS::DynamoDB::Table": {
        const table = named(id, "TableName");
        if (name === "Ref") return table;
        if (name === "Arn") return arn("dynamodb", `table/${table}`);
        if (name === "StreamArn") return arn("dynamodb", `table/${table}/stream/${STREAM_LABEL}`);
        break;
      }
      case "AWS::S3::Bucket": {
        const bucket = named(id, "BucketName", id.toLowerCase());
        if (name === "Ref") return bucket;
        if (name === "Arn") return `arn:aws:s3:::${bucket}`;
        break;
      }
      case "AWS::Kinesis::Stream": {
        const stream = named(id, "Name");
        if (name === "Ref") return stream;
        if (name === "Arn") return arn("kinesis", `stream/${stream}`);
        break;
      }
      case "AWS::KMS::Key":
        if (name === "Ref") return id;
        if (name === "Arn") return arn("kms", `key/${id}`);
        break;
      case "AWS::Glue::Job":
        if (name === "Ref") return named(id, "Name");
        break;
      case "AWS::IAM::Role":
        if (name === "Ref") return id;
        if (name === "Arn") return `arn:aws:iam::${account}:role/${id}`;
        break;
      case "AWS::Lambda::Function":
        if (name === "Ref") return id;
        if (name === "Arn") return arn("lambda", `function:${id}`);
        break;
    }
    throw new Error(`no deployed value for ${id} (${type ?? "not in the template"}).${name}`);
  };

  const PSEUDO: Json = {
    "AWS::Partition": "aws",
    "AWS::Region": region,
    "AWS::AccountId": account,
    "AWS::URLSuffix": "amazonaws.com",
  };

  const evaluate = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(evaluate);
    if (typeof value !== "object" || value === null) return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined) {
      const [fn, args] = first;
      if (fn === "Ref") {
        const ref = String(args);
        return PSEUDO[ref] ?? attribute(ref, "Ref");
      }
      if (fn === "Fn::GetAtt") {
        const [id, name] = args as [string, string];
        return attribute(id, name);
      }
      if (fn === "Fn::Join") {
        const [separator, parts] = args as [string, unknown[]];
        return (evaluate(parts) as unknown[]).join(separator);
      }
      if (fn === "Fn::Select") {
        const [index, list] = args as [number, unknown];
        return (evaluate(list) as unknown[])[index];
      }
      if (fn === "Fn::Split") {
        const [separator, text] = args as [string, unknown];
        return String(evaluate(text)).split(separator);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, evaluate(v)]));
  };

  return {
    /** A template value (intrinsic functions and all) as deployed. */
    evaluate,
    /** A CDK value (a token or a literal) as deployed, as a string. */
    string: (value: unknown): string => String(evaluate(stack.resolve(value))),
  };
};
