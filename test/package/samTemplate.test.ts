import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { LAMBDA_NODE_MAJORS } from "../../bin/nodeRuntimes.js";
import * as pipelines from "../../handlers/index.js";
import type { EntryPointPermissions } from "../../handlers/lambda/permissions.js";
import { parseTemplate } from "../support/cloudFormationYaml.js";
import {
  ENTRY_POINTS,
  type EntryPointName,
  npmEnv,
  REPO,
  runProgram,
  withFreshBuild,
} from "../support/packageBuild.js";

/**
 * examples/sam/template.yaml, the five seed pipelines deployed from the package's prebuilt
 * bundles, read as CloudFormation reads it and checked against the package itself: the packed
 * file list, the variables each bundle refuses to start without, and each entry point's
 * `permissions(...)`.
 */

const TEMPLATE = fileURLToPath(new URL("../../examples/sam/template.yaml", import.meta.url));
const HARNESS = fileURLToPath(new URL("./runtimeHarness.mjs", import.meta.url));

type Json = Record<string, unknown>;
interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: ReadonlyArray<string> | string;
  readonly Resource: unknown;
}

const template = parseTemplate(readFileSync(TEMPLATE, "utf8")) as {
  Globals: { Function: Json };
  Resources: Record<string, { Type: string; Properties: Json }>;
};
const resources = Object.entries(template.Resources);
const functions = resources.filter(([, r]) => r.Type === "AWS::Serverless::Function");
const propertyOf = (props: Json, name: string): unknown =>
  props[name] ?? template.Globals.Function[name];
const entryPointOf = (props: Json): EntryPointName => {
  const name = /^node_modules\/dynamodb-pipelines\/dist\/lambda\/(\w+)\/$/.exec(
    String(props.CodeUri),
  )?.[1];
  if (!ENTRY_POINTS.includes(name as EntryPointName))
    throw new Error(`CodeUri ${String(props.CodeUri)} names no entry point`);
  return name as EntryPointName;
};
const eventsOf = (props: Json) =>
  Object.entries((props.Events ?? {}) as Record<string, { Type: string; Properties: Json }>);
const statementsOf = (props: Json): Statement[] =>
  ((props.Policies ?? []) as Array<{ Statement?: Statement[] }>).flatMap((p) => p.Statement ?? []);
const actionsOf = (s: Statement): string[] =>
  typeof s.Action === "string" ? [s.Action] : [...s.Action];
/** The logical id in `!GetAtt X.Arn` / `!Ref X`. */
const targetOf = (value: unknown): string | undefined => {
  const v = value as { "Fn::GetAtt"?: [string, string]; Ref?: string };
  return v["Fn::GetAtt"]?.[0] ?? v.Ref;
};

/** Each entry point's statements for a configuration shaped as its functions use it. */
const AT = { region: "r", account: "1" };
const expectedPermissions = (name: EntryPointName): EntryPointPermissions => {
  switch (name) {
    case "streamToQueue":
      return pipelines.streamToQueuePermissions({ ...AT, queueName: "q", sourceStreamArn: "s" });
    case "queueToTable":
      return pipelines.queueToTablePermissions({
        ...AT,
        tableName: "t",
        versionTable: "v",
        queueName: "q",
      });
    case "streamToGlue":
      return pipelines.streamToGluePermissions({ ...AT, jobName: "j", sourceStreamArn: "s" });
    case "streamAggregate":
      return pipelines.streamAggregatePermissions({
        ...AT,
        totalsTable: "t",
        sourceStreamArn: "s",
      });
    case "kinesisToTable":
      return pipelines.kinesisToTablePermissions({ ...AT, tableName: "t", sourceStreamName: "k" });
    case "csvToQueue":
      return pipelines.csvToQueuePermissions({ ...AT, bucket: "b", queueName: "q" });
  }
};

let packed: string[] = [];
const required = new Map<EntryPointName, string[]>();

beforeAll(async () => {
  await withFreshBuild(async () => {
    const out = await runProgram("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: REPO,
      env: npmEnv(),
      timeout: 120_000,
    });
    packed = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>).flatMap((p) =>
      p.files.map((f) => f.path),
    );
    // Each bundle, invoked with no variable at all, names every variable it requires.
    for (const name of ENTRY_POINTS) {
      const stdout = await runProgram(process.execPath, [HARNESS], {
        cwd: REPO,
        env: {
          PATH: process.env.PATH ?? "",
          HARNESS_BUNDLE: `${REPO}/dist/lambda/${name}/index.mjs`,
          HARNESS_EVENT: JSON.stringify({ Records: [] }),
        },
      });
      const { error } = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { error?: string };
      required.set(
        name,
        [...(error ?? "").matchAll(/([A-Z][A-Z0-9_]+) is missing/g)].map((m) => m[1] ?? ""),
      );
    }
  });
}, 360_000);

describe("examples/sam/template.yaml", () => {
  it("deploys all six entry points, on a runtime the package declares and the runtime tests run", () => {
    const { lambda } = JSON.parse(readFileSync(`${REPO}/package.json`, "utf8")) as {
      lambda: { runtimes: string[] };
    };
    expect(lambda.runtimes).toEqual(LAMBDA_NODE_MAJORS.map((major) => `nodejs${major}.x`));
    const names = new Set(functions.map(([, f]) => entryPointOf(f.Properties)));
    expect([...names].sort()).toEqual([...ENTRY_POINTS]);
    for (const [id, { Properties }] of functions) {
      expect(lambda.runtimes, id).toContain(propertyOf(Properties, "Runtime"));
      expect(propertyOf(Properties, "Handler"), id).toBe("index.handler");
    }
  });

  it("points every function at a bundle the packed tarball holds", () => {
    expect(packed.length).toBeGreaterThan(0);
    for (const [, { Properties }] of functions)
      expect(packed).toContain(`dist/lambda/${entryPointOf(Properties)}/index.mjs`);
  });

  it("sets every variable each entry point requires", () => {
    for (const name of ENTRY_POINTS) expect(required.get(name), name).not.toEqual([]);
    for (const [id, { Properties }] of functions) {
      const variables = Object.keys(
        ((Properties.Environment as Json | undefined)?.Variables ?? {}) as Json,
      );
      expect(variables, id).toEqual(
        expect.arrayContaining(required.get(entryPointOf(Properties)) ?? ["?"]),
      );
    }
  });

  it("reports batch item failures on every stream and SQS event source; streams keep every record and name an on-failure destination; S3 uploads too", () => {
    for (const [id, { Properties }] of functions)
      for (const [event, { Type, Properties: source }] of eventsOf(Properties)) {
        const where = `${id}.${event}`;
        if (Type === "S3") {
          const invoke = Properties.EventInvokeConfig as Json | undefined;
          expect(invoke?.DestinationConfig, where).toMatchObject({ OnFailure: { Type: "SQS" } });
          continue;
        }
        expect(["DynamoDB", "Kinesis", "SQS"], where).toContain(Type);
        expect(source.FunctionResponseTypes, where).toEqual(["ReportBatchItemFailures"]);
        if (Type === "SQS") continue;
        expect(source.MaximumRetryAttempts ?? -1, where).toBe(-1);
        expect(source.MaximumRecordAgeInSeconds ?? -1, where).toBe(-1);
        const destination = targetOf(
          (source.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
            ?.OnFailure?.Destination,
        );
        expect(template.Resources[destination ?? "?"]?.Type, where).toBe("AWS::SQS::Queue");
      }
  });

  it("gives every consumed queue a dead-letter queue, with an alarm on its depth", () => {
    const consumed = functions.flatMap(([, f]) =>
      eventsOf(f.Properties)
        .filter(([, e]) => e.Type === "SQS")
        .map(([, e]) => targetOf(e.Properties.Queue) ?? "?"),
    );
    expect(consumed.length).toBeGreaterThanOrEqual(2);
    for (const queue of consumed) {
      const redrive = template.Resources[queue]?.Properties.RedrivePolicy as Json | undefined;
      expect(template.Resources[targetOf(redrive?.deadLetterTargetArn) ?? "?"]?.Type, queue).toBe(
        "AWS::SQS::Queue",
      );
      expect(redrive?.maxReceiveCount, queue).toBeGreaterThan(1);
      // A dead letter is a change not applied: an alarm on the DLQ's depth says so.
      const dlq = targetOf(redrive?.deadLetterTargetArn) ?? "?";
      const alarm = resources.find(
        ([, r]) =>
          r.Type === "AWS::CloudWatch::Alarm" &&
          JSON.stringify(r.Properties.Dimensions).includes(`"${dlq}"`),
      );
      expect(alarm?.[1].Properties, queue).toMatchObject({
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
      });
    }
  });

  it("consumes only FIFO queues, or standard ones with a VERSION_TABLE: queueToTable refuses a standard queue without one", () => {
    const consumers = functions.filter(([, f]) =>
      eventsOf(f.Properties).some(([, e]) => e.Type === "SQS"),
    );
    expect(consumers.length).toBeGreaterThanOrEqual(2);
    for (const [name, f] of consumers) {
      const variables = (f.Properties.Environment as Json | undefined)?.Variables as
        | Json
        | undefined;
      for (const [, e] of eventsOf(f.Properties).filter(([, e]) => e.Type === "SQS")) {
        const queue = template.Resources[targetOf(e.Properties.Queue) ?? "?"];
        const fifo = queue?.Properties.FifoQueue === true;
        expect(fifo || variables?.VERSION_TABLE !== undefined, name).toBe(true);
      }
    }
  });

  it("gives every queueToTable a VERSION_TABLE keyed by pk (S), FIFO queue or not: a redriven dead letter never overwrites a newer change", () => {
    const writers = functions.filter(([, f]) => entryPointOf(f.Properties) === "queueToTable");
    expect(writers.length).toBeGreaterThanOrEqual(2);
    for (const [name, f] of writers) {
      const variables = (f.Properties.Environment as Json | undefined)?.Variables as Json;
      const versionTable = targetOf(variables?.VERSION_TABLE ?? {});
      const versions = template.Resources[versionTable ?? "?"];
      expect(versions?.Type, name).toBe("AWS::DynamoDB::Table");
      expect(versions?.Properties.KeySchema, name).toEqual([
        { AttributeName: "pk", KeyType: "HASH" },
      ]);
      expect(versions?.Properties.AttributeDefinitions, name).toEqual([
        { AttributeName: "pk", AttributeType: "S" },
      ]);
      const grant = statementsOf(f.Properties).find((s) => s.Sid === "WriteVersionItems");
      expect(targetOf((grant?.Resource as unknown[] | undefined)?.[0] ?? {}), name).toBe(
        versionTable,
      );
    }
  });

  it("grants no wildcard action, and exactly each entry point's permissions(...) (plus its failure destination)", () => {
    for (const [id, { Properties }] of functions) {
      const statements = statementsOf(Properties);
      for (const s of statements) {
        expect(s.Effect, id).toBe("Allow");
        for (const action of actionsOf(s)) expect(action, `${id} ${s.Sid}`).not.toMatch(/\*/);
      }
      const { functionCode, eventSource } = expectedPermissions(entryPointOf(Properties));
      const expected = [...functionCode, ...eventSource].map((s) => [s.Sid, [...s.Action].sort()]);
      const granted = statements
        .filter((s) => !/^SendFailed/.test(s.Sid))
        .map((s) => [s.Sid, [...actionsOf(s)].sort()]);
      expect(granted, id).toEqual(expected);
      for (const s of statements.filter((s) => /^SendFailed/.test(s.Sid)))
        expect(actionsOf(s), id).toEqual(["sqs:SendMessage"]);
    }
  });

  it("tells the aggregation handler its mapping's ParallelizationFactor", () => {
    const [, aggregate] =
      functions.find(([, f]) => entryPointOf(f.Properties) === "streamAggregate") ?? [];
    const environment = aggregate?.Properties.Environment as { Variables?: Json } | undefined;
    const events = Object.values(
      (aggregate?.Properties.Events ?? {}) as Record<string, { Properties: Json }>,
    );
    const factors = events.map((e) => String(e.Properties.ParallelizationFactor ?? 1));
    expect(factors).toHaveLength(1);
    expect(environment?.Variables?.PARALLELIZATION_FACTOR).toBe(factors[0]);
  });

  it("expires the totals table's per-record markers by TTL on expiresAt", () => {
    const [, aggregate] =
      functions.find(([, f]) => entryPointOf(f.Properties) === "streamAggregate") ?? [];
    const environment = aggregate?.Properties.Environment as { Variables?: Json } | undefined;
    const totals = template.Resources[targetOf(environment?.Variables?.TOTALS_TABLE) ?? "?"];
    expect(totals?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: "expiresAt",
      Enabled: true,
    });
  });
});
