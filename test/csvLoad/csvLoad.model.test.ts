import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { PORT_FAULTS } from "../../adapters/localAws/faults/faultPlan.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { decodeMessageBody } from "../../domain/messageBody.js";
import { Accept } from "../support/commands/Accept.js";
import { Drain } from "../support/commands/Drain.js";
import { InvokeAsync } from "../support/commands/InvokeAsync.js";
import { PumpQueue } from "../support/commands/PumpQueue.js";
import type { Inputs } from "../support/commands/pipelineUnderTest.js";
import { playThenDrain } from "../support/commands/playThenDrain.js";
import { RedeliverMessages } from "../support/commands/RedeliverMessages.js";
import {
  countOf,
  faultCoverage,
  faultSchedule,
  numRuns,
  scheduledPlan,
  serviceFaultRate,
  timeoutFor,
} from "../support/faults.js";
import { type CsvLoadRig, csvFaultSchema, csvLoadRig } from "./csvLoadRig.js";

// Model-based: random CSV uploads (valid rows, rows with a missing column or a bad number, keys
// repeated within a file), asynchronous S3 invocations retried after failures and sometimes
// duplicated, random queue batching, and port-level faults on the object store, the queue and
// the table writer. After draining, the table holds exactly the valid rows (on a FIFO queue the
// last row per key; on a standard queue keys are unique per file, since delivery order decides).
//
// Reports are AT LEAST ONCE: every invalid row is reported, and at most once per invocation for
// its object (an invocation that fails is retried and re-reads the whole object, reporting its
// invalid rows again); valid rows are never reported.

type Row =
  | { readonly kind: "valid"; readonly id: string; readonly qty: number; readonly note: string }
  | { readonly kind: "short"; readonly id: string }
  | { readonly kind: "badQty"; readonly id: string };
type Upload = { readonly key: string; readonly rows: ReadonlyArray<Row> };
type Model = { readonly uploads: Upload[] };
type Real = CsvLoadRig & Inputs<Model, ReadonlyArray<Row>>;

const lineOf = (index: number) => index + 2;
const textOf = (row: Row): string =>
  row.kind === "valid"
    ? `${row.id},${row.qty},${row.note}`
    : row.kind === "short"
      ? `${row.id},1`
      : `${row.id},abc,x`;

const accept = (model: Model, real: CsvLoadRig, fileRows: ReadonlyArray<Row>) => {
  const key = `obj-${model.uploads.length}.csv`;
  const rows = fileRows.map((row) => ({ ...row, id: `${key}:${row.id}` }));
  real.upload(key, ["id,qty,note", ...rows.map(textOf)].join("\n"));
  model.uploads.push({ key, rows });
};

const row = (fifo: boolean, index: number): fc.Arbitrary<Row> => {
  const id = fifo ? fc.constantFrom("a", "b", "c") : fc.constant(`r${index}`);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant("valid" as const),
        id,
        qty: fc.integer({ min: -99, max: 999 }),
        note: fc.constantFrom("", "x", "two words"),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("short" as const), id }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("badQty" as const), id }) },
  );
};
const rows = (fifo: boolean) =>
  fc
    .integer({ min: 0, max: 14 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => row(fifo, i))));

const commands = (fifo: boolean) =>
  fc.commands<Model, Real, false>(
    [
      rows(fifo).map((r) => new Accept<Model, ReadonlyArray<Row>>(r)),
      ...[1, 2].map(() => InvokeAsync.arbitrary(false)),
      InvokeAsync.arbitrary(true),
      PumpQueue.arbitrary(),
      fc.constant(new Drain()),
      // A standard queue delivers a message again (keys are unique there: the same item again).
      ...(fifo ? [] : [RedeliverMessages.arbitrary()]),
    ],
    { maxCommands: 40, size: "max" },
  );

const kinds = PORT_FAULTS.TableWriter;

/** The items the table must hold: the last valid row per key of every file. */
const expectedItems = (model: Model): AttributeMap[] => {
  const items = new Map<string, AttributeMap>();
  for (const upload of model.uploads)
    for (const r of upload.rows)
      if (r.kind === "valid")
        items.set(r.id, {
          id: { S: r.id },
          qty: { N: String(r.qty) },
          ...(r.note === "" ? {} : { note: { S: r.note } }),
        });
  return [...items.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, item]) => item);
};

/** `key#line` of a row id `s3://uploads/<key>?etag=…#L<line>`. */
const rowOf = (rowId: string): string =>
  rowId.replace(/^s3:\/\/uploads\/(.*)\?.*#L(\d+)$/, "$1#$2");

const checkInvariants = (real: Real, model: Model) => {
  const byId = (a: AttributeMap, b: AttributeMap) =>
    (a.id as { S: string }).S < (b.id as { S: string }).S ? -1 : 1;
  expect([...real.db.scan("items")].sort(byId)).toEqual(expectedItems(model));
  expect(real.tableRejects.records).toEqual([]);
  expect(real.sqs.counts(real.dlqName).visible).toBe(0);
  const reported = countOf(
    real.csvRejects.records.map((r) => `${String(r.identity.key)}#${String(r.identity.line)}`),
  );
  const sent = countOf(
    real.queue.accepted.flatMap((m) => {
      const decoded = decodeMessageBody("m", m.body, csvFaultSchema.key);
      if (E.isLeft(decoded)) throw new Error(`undecodable ${m.body}`);
      return decoded.right.map((command) => rowOf(command.source));
    }),
  );
  const invocations = new Map<string, number>();
  for (const e of real.events)
    invocations.set(e.key, (invocations.get(e.key) ?? 0) + e.invocations);
  const rowIds = new Set<string>();
  for (const upload of model.uploads) {
    const times = invocations.get(upload.key) ?? 0;
    upload.rows.forEach((r, index) => {
      const id = `${upload.key}#${lineOf(index)}`;
      rowIds.add(id);
      const reports = reported.get(id) ?? 0;
      const sends = sent.get(id) ?? 0;
      if (r.kind === "valid") {
        expect(sends, `${id} sent`).toBeGreaterThanOrEqual(1);
        expect(reports, `${id} is valid`).toBe(0);
      } else {
        expect(reports, `${id} reported`).toBeGreaterThanOrEqual(1);
        expect(sends, `${id} is invalid`).toBe(0);
      }
      expect(Math.max(reports, sends), `${id} more often than invoked`).toBeLessThanOrEqual(times);
    });
  }
  expect([...reported.keys()].filter((id) => !rowIds.has(id))).toEqual([]);
};

const runs = numRuns(300);

describe.each([
  { fifo: true, name: "FIFO queue (last row per key)" },
  { fifo: false, name: "standard queue (unique keys)" },
])("CSV load under faults, $name (model-based)", ({ fifo }) => {
  it(
    "after draining, the table holds exactly the valid rows; invalid rows reported at least once, at most once per invocation",
    async () => {
      const coverage = faultCoverage();
      await fc.assert(
        fc.asyncProperty(
          commands(fifo),
          faultSchedule(["transient", "timeout", "crashBefore", "crashAfter", "partial"], 12),
          faultSchedule(kinds.filter((k) => k !== "transactionCanceled")),
          faultSchedule(kinds),
          fc.integer({ min: 1, max: 3 }),
          fc.nat(),
          serviceFaultRate,
          async (cmds, objectFaults, queueFaults, tableFaults, rowsPerMessage, seed, rate) => {
            const rig = csvLoadRig({
              fifo,
              rowsPerMessage,
              seed,
              serviceFaultRate: rate,
              plans: (clock) => ({
                objects: scheduledPlan(objectFaults, clock, seed),
                queue: scheduledPlan(queueFaults, clock, seed + 1),
                table: scheduledPlan(tableFaults, clock, seed + 2),
              }),
            });
            const real: Real = { ...rig, accept: (model, r) => accept(model, rig, r) };
            const model: Model = { uploads: [] };
            await playThenDrain(model, real, cmds);
            checkInvariants(real, model);
            coverage.add(real.plans.objects, real.plans.queue, real.plans.table);
          },
        ),
        { numRuns: runs },
      );
      expect(coverage.missing(kinds)).toEqual([]);
    },
    timeoutFor(runs, 80),
  );
});
