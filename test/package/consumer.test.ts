import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTable, emulatorClients, emulatorEndpoints } from "../support/emulators.js";
import { ENTRY_POINTS, withBuildLock } from "../support/packageBuild.js";
import { nodeScript, npmEnv, run } from "./consumerShell.js";
import { synthReadmeQuickStart } from "./quickStartApp.js";

/**
 * The package as a user gets it: `npm pack` (which builds dist/ through `prepack`) into a
 * temporary directory, `npm install` of that tarball into a fresh ESM project, and there plain
 * Node imports, a strict `tsc`, and the user's own esbuild bundling a handler that then writes to
 * DynamoDB Local.
 */

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const TSC = join(REPO, "node_modules/typescript/bin/tsc");
const ESBUILD = join(REPO, "node_modules/.bin/esbuild");
const factoryOf = (name: string) => `create${name[0]?.toUpperCase()}${name.slice(1)}Handler`;
const AT = { region: "us-east-1", account: "123456789012" };
const ARN = {
  table: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
  queue: "arn:aws:sqs:us-east-1:123456789012:rows",
  job: "arn:aws:glue:us-east-1:123456789012:job/copy",
};
/** Each entry point's configuration, and the ARN its statements must name. */
const PERMISSION_CASES: Record<(typeof ENTRY_POINTS)[number], [object, string]> = {
  csvToQueue: [{ ...AT, bucket: "uploads", queueName: "rows" }, ARN.queue],
  kinesisToTable: [{ ...AT, tableName: "orders" }, ARN.table],
  queueToTable: [{ ...AT, tableName: "orders" }, ARN.table],
  streamAggregate: [{ ...AT, totalsTable: "orders" }, ARN.table],
  streamToGlue: [{ ...AT, jobName: "copy" }, ARN.job],
  streamToQueue: [{ ...AT, queueName: "rows" }, ARN.queue],
};

let temp = "";
let project = "";
let packed: string[] = [];

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "dynamodb-pipelines-consumer-"));
  project = join(temp, "project");
  await mkdir(project);
  // `prepack` runs `npm run build`, so the tarball never carries a stale or missing dist/.
  // Under the build lock: other test files read dist/ while no one rebuilds it.
  await withBuildLock(() =>
    run("npm", ["pack", "--pack-destination", temp], { cwd: REPO, env: npmEnv() }),
  );
  const tarball = (await readdir(temp)).find((file) => file.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${temp}`);
  packed = (await run("tar", ["-tzf", join(temp, tarball)], { cwd: temp }))
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/^package\//, ""));
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  await run(
    "npm",
    ["install", join(temp, tarball), "--prefer-offline", "--no-audit", "--no-fund"],
    { cwd: project, env: npmEnv() },
  );
}, 240_000);

afterAll(async () => {
  if (temp !== "") await rm(temp, { recursive: true, force: true });
});

describe("the npm package, installed into a fresh project", { timeout: 180_000 }, () => {
  it("ships compiled JavaScript, declarations, the Lambda bundles and the licence, no sources", () => {
    expect(packed).toContain("LICENSE");
    expect(packed).toContain("README.md");
    expect(packed).toContain("dist/handlers/index.js");
    expect(packed).toContain("dist/handlers/index.d.ts");
    expect(packed).toContain("dist/domain/writeCommand.js");
    expect(packed).toContain("dist/ports/tableWriter.d.ts");
    for (const name of ENTRY_POINTS) expect(packed).toContain(`dist/lambda/${name}/index.mjs`);
    expect(packed.filter((file) => /^(test|bench|bin|\.ci)\//.test(file))).toEqual([]);
    expect(packed.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
  });

  it("(a) plain node imports every entry point; permissions() name the given resources", async () => {
    const result = await nodeScript(
      project,
      "imports.mjs",
      `const root = await import("dynamodb-pipelines");
const memory = await import("dynamodb-pipelines/memory");
const cases = ${JSON.stringify(PERMISSION_CASES)};
const handlers = {};
for (const [name, [config]] of Object.entries(cases)) {
  const bare = await import("dynamodb-pipelines/handlers/" + name);
  const suffixed = await import("dynamodb-pipelines/handlers/" + name + ".js");
  handlers[name] = {
    exports: Object.keys(bare).filter((key) => typeof bare[key] === "function").sort(),
    sameModule: bare === suffixed,
    resources: bare.permissions(config).functionCode.flatMap((statement) => statement.Resource),
  };
}
const p = memory.offlineAggregation();
p.db.put("orders", {
  order_id: { S: "1" },
  order_date: { S: "2026-11-21T10:00:00Z" },
  item_id: { S: "item123" },
  quantity: { N: "10" },
});
await p.run();
console.log(JSON.stringify({
  root: Object.keys(root).filter((key) => typeof root[key] === "function"),
  memory: Object.keys(memory),
  totals: p.totals(),
  handlers,
}));
`,
    );
    const { root, memory, totals, handlers } = result as {
      root: string[];
      memory: string[];
      totals: unknown[];
      handlers: Record<string, { exports: string[]; sameModule: boolean; resources: string[] }>;
    };
    for (const name of ENTRY_POINTS) {
      expect(root).toContain(factoryOf(name));
      expect(root).toContain(`${name}Permissions`);
      expect(handlers[name]?.exports).toEqual(
        expect.arrayContaining(["handler", "permissions", factoryOf(name)]),
      );
      expect(handlers[name]?.sameModule).toBe(true);
      expect(handlers[name]?.resources).toContain(PERMISSION_CASES[name][1]);
    }
    expect(root).toEqual(expect.arrayContaining(["DynamoDbTableWriter", "SqsMessageQueue"]));
    expect(memory).toEqual(expect.arrayContaining(["InMemoryDynamoDb", "offlineReplication"]));
    // The README's offline example, through the `./memory` export.
    expect(totals).toEqual([
      { order_date: { S: "2026-11-21" }, item_number: { S: "item123" }, quantity: { N: "10" } },
    ]);
  });

  it("(b) a strict NodeNext TypeScript project type-checks against it, lib check included", async () => {
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          noEmit: true,
        },
        include: ["consumer.ts"],
      }),
    );
    await writeFile(
      join(project, "consumer.ts"),
      `import {
  type AggregateSpec, createQueueToTableHandler, type CsvSchema, DynamoDbTableWriter, LogRejectSink,
  type AttributeMap, type KeySchema, type PipelineError, type TableWriter, type WriteCommand,
  policyDocument, queueToTablePermissions,
} from "dynamodb-pipelines";
import { permissions } from "dynamodb-pipelines/handlers/streamAggregate.js";
import { handler } from "dynamodb-pipelines/handlers/queueToTable";
import { InMemoryRejectSink, InMemoryTableWriter, offlineReplication } from "dynamodb-pipelines/memory";

const grants = permissions({ region: "us-east-1", account: "123456789012", totalsTable: "totals" });
const first: string | undefined = grants.functionCode[0]?.Resource[0];
// @ts-expect-error: the totals table is required
permissions({ region: "us-east-1", account: "123456789012" });
const document = policyDocument(queueToTablePermissions({ region: "eu-west-1", account: "1", tableName: "t" }));

declare const client: ConstructorParameters<typeof DynamoDbTableWriter>[0];
const table: TableWriter = new DynamoDbTableWriter(client, "replica");
export const onAws = createQueueToTableHandler({ table, rejects: new LogRejectSink("replica") });
export const deployed = handler;

const offline = offlineReplication({ fifo: false });
export const onMemory = createQueueToTableHandler({
  table: new InMemoryTableWriter(offline.db, "replica"),
  rejects: new InMemoryRejectSink(),
});
const key: KeySchema = { partitionKey: "pk" };
const item: AttributeMap = { pk: { S: "a" } };
const command: WriteCommand = { op: "put", key: item, item, source: "m1" };
// @ts-expect-error: a put carries its item
const broken: WriteCommand = { op: "put", key: item, source: "m1" };
const failure = (error: PipelineError): string => error._tag;
declare const spec: AggregateSpec;
declare const schema: CsvSchema;
export const used = [first, document, key, command, broken, failure, spec, schema];
`,
    );
    await run(process.execPath, [TSC, "-p", "."], { cwd: project });
  });

  it("(c) the user's esbuild with plain flags bundles a handler that writes to DynamoDB", async () => {
    const { dynamodb } = emulatorClients();
    const { name: table } = await createTable(dynamodb, "consumer", { pk: "S" });
    await writeFile(
      join(project, "entry.mjs"),
      'export { handler } from "dynamodb-pipelines/handlers/queueToTable.js";\n',
    );
    const args = ["entry.mjs", "--bundle", "--platform=node", "--format=esm"];
    await run(ESBUILD, [...args, "--outfile=out/index.mjs"], { cwd: project });
    const item = { pk: { S: "from-the-bundle" }, qty: { N: "3" }, note: { S: "bundled" } };
    const event = {
      Records: [
        {
          messageId: "m-1",
          body: JSON.stringify(item),
          attributes: { ApproximateReceiveCount: "1" },
          eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:replica.fifo",
        },
      ],
    };
    const response = await nodeScript(
      project,
      "invoke.mjs",
      `import { handler } from "./out/index.mjs";
const context = { functionName: "queueToTable", awsRequestId: "r-1", getRemainingTimeInMillis: () => 30000 };
console.log(JSON.stringify(await handler(${JSON.stringify(event)}, context)));
`,
      {
        PATH: process.env.PATH,
        HOME: temp,
        TABLE_NAME: table,
        AWS_ENDPOINT_URL_DYNAMODB: emulatorEndpoints().dynamodb,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
      },
    );
    expect(response).toEqual({ batchItemFailures: [] });
    const stored = await dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: item.pk }, ConsistentRead: true }),
    );
    expect(stored.Item).toEqual(item);
  });

  it("(d) the README's CDK quick start, read from README.md, synthesizes with only the tarball, aws-cdk-lib and constructs", async () => {
    const { quickStart, outdir, functions } = await synthReadmeQuickStart(REPO, project, temp);
    expect(quickStart).toContain('from "dynamodb-pipelines/cdk"');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(["nodejs22.x", "nodejs24.x"]).toContain(fn.Runtime);
      expect(fn.Handler).toBe("index.handler");
      const key = String((fn.Code as { S3Key?: unknown }).S3Key);
      const hash = /^([0-9a-f]{64})\.zip$/.exec(key)?.[1];
      expect(hash).toBeDefined();
      const bundle = await stat(join(outdir, `asset.${hash}`, "index.mjs"));
      expect(bundle.size).toBeGreaterThan(1_000);
    }
    expect(functions.some((fn) => /streamAggregate/.test(String(fn.Description)))).toBe(true);
  });
});
