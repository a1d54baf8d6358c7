import { describe, expect, it } from "vitest";
import {
  type Fault,
  type FaultCall,
  FaultPlan,
  faultKind,
  PORT_FAULTS,
  seededRandom,
} from "../../adapters/localAws/faults/faultPlan.js";
import {
  InjectedFaultError,
  injectedTransient,
  isInjectedFault,
} from "../../adapters/localAws/faults/injectedFaults.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { toThrowable } from "../../domain/errors.js";

const table: FaultCall = { port: "TableWriter", operation: "BatchWriteItem" };
const jobs: FaultCall = { port: "JobRunner", operation: "StartJobRun" };

describe("FaultPlan.schedule", () => {
  it("gives one fault per call in call order, whatever the port, then ok", () => {
    const plan = FaultPlan.schedule(["transient", "ok", "crashAfter"]);
    expect([plan.next(table), plan.next(jobs), plan.next(table), plan.next(table)]).toEqual([
      "transient",
      "ok",
      "crashAfter",
      "ok",
    ]);
    expect(plan.injected.map(({ port, fault }) => [port, fault])).toEqual([
      ["TableWriter", "transient"],
      ["TableWriter", "crashAfter"],
    ]);
  });

  it("turns a fault the port cannot show into transient", () => {
    const plan = FaultPlan.schedule(["concurrentRunsExceeded", "partial"]);
    expect(plan.next(table)).toBe("transient");
    expect(plan.next(jobs)).toBe("transient");
  });

  it("injects nothing once stopped", () => {
    const plan = FaultPlan.schedule(["transient", "transient"]);
    plan.stop();
    expect([plan.next(table), plan.next(table)]).toEqual(["ok", "ok"]);
    expect(plan.injected).toEqual([]);
  });
});

describe("crashAfterK bookkeeping", () => {
  it("arms a crash k writes ahead, fires once, and is forgotten by a new invocation", () => {
    const plan = FaultPlan.schedule([{ crashAfterK: 3 }, { crashAfterK: 2 }]);
    plan.beginInvocation();
    expect(plan.next(table)).toBe("ok");
    expect(plan.writeBudget()).toBe(3);
    expect(plan.wrote(2)).toBe(false);
    expect(plan.writeBudget()).toBe(1);
    expect(plan.wrote(1)).toBe(true);
    expect(plan.writeBudget()).toBe(Number.POSITIVE_INFINITY);
    plan.next(table);
    plan.beginInvocation();
    expect(plan.writeBudget()).toBe(Number.POSITIVE_INFINITY);
    expect(plan.injected.map((f) => f.invocation)).toEqual([1, 1]);
  });

  it("perInvocation starts an invocation of every plan before each call", async () => {
    const plan = FaultPlan.schedule([{ crashAfterK: 1 }]);
    plan.next(table);
    const handler = perInvocation([plan], async (n: number) => n * 2);
    expect(await handler(21)).toBe(42);
    expect(plan.writeBudget()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("FaultPlan.random", () => {
  const draws = (plan: FaultPlan, call: FaultCall, n: number): Fault[] =>
    Array.from({ length: n }, () => plan.next(call));

  it("is reproducible from its seed", () => {
    expect(draws(FaultPlan.random({ seed: 9 }), table, 50)).toEqual(
      draws(FaultPlan.random({ seed: 9 }), table, 50),
    );
    expect(draws(FaultPlan.random({ seed: 9 }), table, 50)).not.toEqual(
      draws(FaultPlan.random({ seed: 10 }), table, 50),
    );
  });

  it("draws only kinds the port can show, at the given rate", () => {
    const plan = FaultPlan.random({ seed: 3, rate: 1, maxK: 4 });
    draws(plan, jobs, 300);
    const faults = plan.injected.map((f) => f.fault);
    expect(faults).toHaveLength(300);
    expect([...new Set(faults.map(faultKind))].sort()).toEqual([...PORT_FAULTS.JobRunner].sort());
    for (const fault of faults)
      if (typeof fault !== "string") expect(fault.crashAfterK).toBeLessThanOrEqual(4);
    expect(draws(FaultPlan.random({ seed: 3, rate: 0 }), jobs, 100)).toEqual(
      Array.from({ length: 100 }, () => "ok"),
    );
  });

  it("keeps to the kinds asked for", () => {
    const faults = draws(FaultPlan.random({ seed: 5, rate: 1, kinds: ["partial"] }), table, 50);
    expect(new Set(faults)).toEqual(new Set(["partial"]));
    expect(draws(FaultPlan.random({ seed: 5, rate: 1, kinds: ["partial"] }), jobs, 5)).toEqual(
      Array.from({ length: 5 }, () => "ok"),
    );
  });

  it("uses a seeded generator in [0, 1)", () => {
    const random = seededRandom(1);
    const values = Array.from({ length: 1000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});

describe("injected errors", () => {
  it("are Transient errors named after the AWS error, with the injected fault as cause", () => {
    const error = injectedTransient("AggregateStore", "TransactWriteItems", "transactionCanceled");
    expect(error).toMatchObject({ _tag: "Transient", operation: "TransactWriteItems" });
    expect(error.reason).toMatch(/^TransactionCanceledException: .*TransactionConflict/);
    expect(injectedTransient("JobRunner", "StartJobRun", "timeout").operation).toBe("TimeoutError");
    expect(error.cause).toBeInstanceOf(InjectedFaultError);
  });

  it("are recognized through chains of causes, and real errors are not", () => {
    const wrapped = toThrowable(injectedTransient("MessageQueue", "SendMessageBatch", "partial"));
    expect(isInjectedFault(wrapped)).toBe(true);
    expect(isInjectedFault(new InjectedFaultError("ObjectStore", "partial", "broke"))).toBe(true);
    expect(isInjectedFault(new Error("boom", { cause: new Error("deeper") }))).toBe(false);
    expect(isInjectedFault("text")).toBe(false);
  });
});
