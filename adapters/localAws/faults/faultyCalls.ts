import * as E from "fp-ts/lib/Either.js";
import type { Deadline } from "../../../domain/deadline.js";
import type { PipelineError } from "../../../domain/errors.js";
import type { Fault, FaultPlan, FaultPort } from "./faultPlan.js";
import { injectedCrash, injectedTransient } from "./injectedFaults.js";

/** Stands for the `crashAfterK` drawn earlier in the invocation, when it fires. */
const PENDING_CRASH: Fault = { crashAfterK: 0 };

/** Where a decorated call goes and what it is called. */
export interface FaultSite {
  readonly plan: FaultPlan;
  readonly port: FaultPort;
  readonly operation: string;
}

/**
 * Runs one call of a single-write port (a transaction, a job run; `writes: 0` for a read)
 * under the plan: the call's fault decides whether `run` reaches the inner port, what the caller
 * gets back, and whether the invocation dies. `partial` is left to the caller (`onPartial`).
 *
 * @example
 * readonly apply = (chunk) => () => faultyCall({ plan, port: "AggregateStore", operation: "TransactWriteItems" }, () => this.inner.apply(chunk)());
 */
export const faultyCall = async <A>(
  site: FaultSite,
  run: () => Promise<E.Either<PipelineError, A>>,
  options: {
    readonly writes?: number;
    readonly deadline?: Deadline;
    readonly onPartial?: (result: E.Either<PipelineError, A>) => E.Either<PipelineError, A>;
  } = {},
): Promise<E.Either<PipelineError, A>> => {
  const { plan, port, operation } = site;
  const writes = options.writes ?? 1;
  const fault = plan.next({ port, operation });
  if (fault === "crashBefore") throw injectedCrash(port, fault);
  if (fault !== "ok" && fault !== "crashAfter" && fault !== "timeout" && fault !== "partial")
    return E.left(injectedTransient(port, operation, fault));
  const result = await run();
  const crashK = plan.wrote(writes);
  if (fault === "crashAfter" || crashK) throw injectedCrash(port, crashK ? PENDING_CRASH : fault);
  if (fault === "timeout") {
    await plan.hang(options.deadline);
    return E.left(injectedTransient(port, operation, fault));
  }
  if (fault === "partial" && options.onPartial) return options.onPartial(result);
  return result;
};

/** A batch port's report: the units that failed, and why. */
export interface BatchReport<F> {
  readonly failed: ReadonlyArray<F>;
}

/** How {@link faultyBatch} talks to a batch port (commands to a table, messages to a queue). */
export interface BatchCall<U, F> {
  readonly units: ReadonlyArray<U>;
  readonly deadline: Deadline;
  /** Sends some of the units through the inner port. */
  readonly write: (units: ReadonlyArray<U>) => Promise<E.Either<PipelineError, BatchReport<F>>>;
  /** The report entry of a unit that failed with an injected error. */
  readonly failure: (unit: U, error: PipelineError) => F;
  /** The units a `partial` fault fails (the others are written). */
  readonly failing: (units: ReadonlyArray<U>) => ReadonlySet<U>;
  /** Whether an injected transaction cancellation is reported per unit (true) or for the call. */
  readonly cancelPerUnit: boolean;
}

/**
 * Runs one call of a batch port under the plan: `transient` fails the call, `partial` writes only
 * some units and reports the rest failed (Transient), `transactionCanceled` writes nothing, and a
 * pending `crashAfterK` cuts the units written at the k-th write, then the invocation dies. An
 * empty call goes straight through (it makes no request).
 *
 * @example
 * faultyBatch(site, { units: commands, deadline, write: (some) => inner.write(some, deadline)(), … })
 */
export const faultyBatch = async <U, F>(
  site: FaultSite,
  call: BatchCall<U, F>,
): Promise<E.Either<PipelineError, BatchReport<F>>> => {
  const { plan, port, operation } = site;
  if (call.units.length === 0) return call.write(call.units);
  const fault = plan.next({ port, operation });
  if (fault === "crashBefore") throw injectedCrash(port, fault);
  if (fault === "transactionCanceled" && call.cancelPerUnit) {
    const error = injectedTransient(port, operation, fault);
    return E.right({ failed: call.units.map((unit) => call.failure(unit, error)) });
  }
  if (fault !== "ok" && fault !== "crashAfter" && fault !== "timeout" && fault !== "partial")
    return E.left(injectedTransient(port, operation, fault));
  const failing = fault === "partial" ? call.failing(call.units) : new Set<U>();
  const sending = call.units.filter((unit) => !failing.has(unit));
  const sent = sending.slice(0, Math.max(0, Math.min(sending.length, plan.writeBudget())));
  const result =
    sent.length > 0
      ? await call.write(sent)
      : E.right<PipelineError, BatchReport<F>>({ failed: [] });
  const crashK = plan.wrote(sent.length);
  // A pending crashAfterK cut `sending` short (sent < sending) exactly when it fires here.
  if (fault === "crashAfter" || crashK) throw injectedCrash(port, crashK ? PENDING_CRASH : fault);
  if (fault === "timeout") {
    await plan.hang(call.deadline);
    return E.left(injectedTransient(port, operation, fault));
  }
  if (E.isLeft(result) || failing.size === 0) return result;
  const error = injectedTransient(port, operation, fault);
  const injected = call.units.filter((unit) => failing.has(unit));
  return E.right({
    failed: [...result.right.failed, ...injected.map((unit) => call.failure(unit, error))],
  });
};

/**
 * The units a `partial` fault fails: each with probability ½ from the plan's generator, at least
 * one, and never all of a call of several units.
 * @example const failing = randomSubset(plan, commands);
 */
export const randomSubset = <U>(plan: FaultPlan, units: ReadonlyArray<U>): Set<U> => {
  const failing = new Set(units.filter(() => plan.random() < 0.5));
  if (failing.size === 0) failing.add(units[Math.floor(plan.random() * units.length)] as U);
  if (failing.size === units.length && units.length > 1)
    failing.delete(units[Math.floor(plan.random() * units.length)] as U);
  return failing;
};
