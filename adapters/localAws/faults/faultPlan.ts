import type { Deadline } from "../../../domain/deadline.js";

/** The port a fault is injected into. */
export type FaultPort =
  | "TableWriter"
  | "MessageQueue"
  | "AggregateStore"
  | "JobRunner"
  | "ObjectStore";

/**
 * What one port call does under a plan:
 * - `ok`: the call goes through untouched;
 * - `transient`: refused (throttling), nothing written → `Transient`;
 * - `timeout`: the request is served (the write happens) but the call hangs past the deadline
 *   and the response is lost → `Transient` (the caller cannot tell whether it was applied);
 * - `crashBefore`: the invocation dies before the request is sent (the promise rejects);
 * - `crashAfter`: the write happens, then the invocation dies (the promise rejects);
 * - `partial`: some entries fail transiently (BatchWriteItem UnprocessedItems, SendMessageBatch
 *   `Failed`), the others are written; an object body breaks off while streaming;
 * - `transactionCanceled`: TransactWriteItems cancelled with a `TransactionConflict` reason;
 * - `concurrentRunsExceeded`: StartJobRun refused because the job is at its concurrency limit;
 * - `{ crashAfterK: k }`: the invocation goes on until k more writes have been made (counting this
 *   call's commands or messages first, one per chunk or run), then dies right after the k-th.
 */
export type Fault =
  | "ok"
  | "transient"
  | "timeout"
  | "crashBefore"
  | "crashAfter"
  | "partial"
  | "transactionCanceled"
  | "concurrentRunsExceeded"
  | { readonly crashAfterK: number };

/** The name of a fault, `crashAfterK` for `{ crashAfterK: k }`. */
export type FaultKind = Exclude<Fault, { readonly crashAfterK: number }> | "crashAfterK";

/**
 * The name of a fault.
 * @example faultKind({ crashAfterK: 3 }) // "crashAfterK"
 */
export const faultKind = (fault: Fault): FaultKind =>
  typeof fault === "string" ? fault : "crashAfterK";

/**
 * The faults each port can show. A plan's random policy only draws these; a scheduled fault a
 * port cannot show (e.g. `concurrentRunsExceeded` on a queue) acts as `transient` there.
 * Reads (ObjectStore) make no writes, so `crashAfterK` is not theirs.
 * @example PORT_FAULTS.JobRunner.includes("concurrentRunsExceeded") // true
 */
export const PORT_FAULTS: Readonly<Record<FaultPort, ReadonlyArray<FaultKind>>> = {
  TableWriter: [
    "transient",
    "timeout",
    "crashBefore",
    "crashAfter",
    "crashAfterK",
    "partial",
    "transactionCanceled",
  ],
  MessageQueue: ["transient", "timeout", "crashBefore", "crashAfter", "crashAfterK", "partial"],
  AggregateStore: [
    "transient",
    "timeout",
    "crashBefore",
    "crashAfter",
    "crashAfterK",
    "transactionCanceled",
  ],
  JobRunner: [
    "transient",
    "timeout",
    "crashBefore",
    "crashAfter",
    "crashAfterK",
    "concurrentRunsExceeded",
  ],
  ObjectStore: ["transient", "timeout", "crashBefore", "crashAfter", "partial"],
};

/** One call about to be made through a fault decorator. */
export interface FaultCall {
  readonly port: FaultPort;
  /** The AWS operation the call stands for (`BatchWriteItem`, `SendMessageBatch`, …). */
  readonly operation: string;
}

/** A fault that was injected (`ok` calls are not listed). */
export interface InjectedFault extends FaultCall {
  readonly fault: Fault;
  /** Which invocation it happened in (0 before the first {@link FaultPlan.beginInvocation}). */
  readonly invocation: number;
}

/** Decides the fault of each call: `index` counts the calls made through the plan so far. */
export type FaultPolicy = (call: FaultCall, index: number, random: () => number) => Fault;

/** Settings shared by every kind of plan. */
export interface FaultPlanOptions {
  /**
   * How a `timeout` hangs past the deadline (`undefined` for ports without one): e.g. advance a
   * virtual clock beyond it. Default: return at once.
   */
  readonly hang?: (deadline: Deadline | undefined) => void | Promise<void>;
  /** Seed of the generator that picks which entries a `partial` fails (default 1). */
  readonly seed?: number;
}

/** Settings of {@link FaultPlan.random}. */
export interface RandomFaultOptions extends FaultPlanOptions {
  readonly seed: number;
  /** Probability that a call gets a fault (default 0.25). */
  readonly rate?: number;
  /** The kinds to draw from (default: every kind; only those the port can show are drawn). */
  readonly kinds?: ReadonlyArray<FaultKind>;
  /** Largest k of `crashAfterK` (default 5). */
  readonly maxK?: number;
}

/**
 * A small seeded generator (mulberry32): the same seed gives the same faults.
 * @example const random = seededRandom(42); random(); // 0.6011…
 */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * The faults to inject into port calls, shared by the decorators of adapters/faults (one plan
 * may drive several ports): a schedule or a seeded random policy decides each call's fault, and
 * the plan keeps the per-invocation state `crashAfterK` needs (call {@link beginInvocation} at
 * the start of every invocation, e.g. through `perInvocation`). Works the same in front of the
 * in-memory and the AWS adapters, since it only sees the ports.
 *
 * @example
 * const plan = FaultPlan.schedule(["ok", "transient", { crashAfterK: 2 }]);
 * const table = withFaults(new InMemoryTableWriter(db, "replica"), plan);
 */
export class FaultPlan {
  /** Every fault injected so far, oldest first. */
  readonly injected: InjectedFault[] = [];
  private calls = 0;
  private invocation = 0;
  private writes = 0;
  private crashAt: number | undefined;
  private stopped = false;
  private readonly pick: () => number;

  constructor(
    private readonly policy: FaultPolicy,
    private readonly options: FaultPlanOptions = {},
  ) {
    this.pick = seededRandom(options.seed ?? 1);
  }

  /**
   * One fault per call, in call order (whatever the port), then `ok`.
   * @example FaultPlan.schedule(["transient", "crashAfter"])
   */
  static schedule(faults: ReadonlyArray<Fault>, options: FaultPlanOptions = {}): FaultPlan {
    return new FaultPlan((_, index) => faults[index] ?? "ok", options);
  }

  /**
   * Each call gets a fault with probability `rate`, drawn evenly among the `kinds` its port can
   * show, from a generator seeded with `seed`.
   * @example FaultPlan.random({ seed: 7, rate: 0.3, kinds: ["transient", "partial"] })
   */
  static random(options: RandomFaultOptions): FaultPlan {
    const rate = options.rate ?? 0.25;
    const maxK = Math.max(1, options.maxK ?? 5);
    const draw = seededRandom(options.seed);
    return new FaultPlan((call) => {
      const kinds = PORT_FAULTS[call.port].filter(
        (kind) => options.kinds === undefined || options.kinds.includes(kind),
      );
      if (kinds.length === 0 || draw() >= rate) return "ok";
      const kind = kinds[Math.floor(draw() * kinds.length)] ?? "ok";
      return kind === "crashAfterK" ? { crashAfterK: 1 + Math.floor(draw() * maxK) } : kind;
    }, options);
  }

  /**
   * A plan that injects nothing.
   * @example withFaults(store, FaultPlan.none())
   */
  static none(): FaultPlan {
    return new FaultPlan(() => "ok");
  }

  /**
   * The fault of the next call (decorators call this once per port call). A fault its port cannot
   * show acts as `transient`; a `crashAfterK` is armed and the call itself gets `ok` (it goes on,
   * and {@link writeBudget} says where the invocation dies).
   */
  next(call: FaultCall): Fault {
    const index = this.calls++;
    if (this.stopped) return "ok";
    const drawn = this.policy(call, index, this.pick);
    if (drawn === "ok") return drawn;
    const fault = PORT_FAULTS[call.port].includes(faultKind(drawn)) ? drawn : "transient";
    this.injected.push({ ...call, fault, invocation: this.invocation });
    if (typeof fault !== "string") {
      this.crashAt = this.writes + Math.max(1, Math.floor(fault.crashAfterK));
      return "ok";
    }
    return fault;
  }

  /** A new invocation starts: a pending `crashAfterK` is forgotten (its invocation is over). */
  beginInvocation(): void {
    this.invocation += 1;
    this.writes = 0;
    this.crashAt = undefined;
  }

  /** No more faults from now on (to drain a pipeline after a random run). */
  stop(): void {
    this.stopped = true;
  }

  /** Writes the current invocation may still make before a pending `crashAfterK` kills it. */
  writeBudget(): number {
    return this.crashAt === undefined ? Number.POSITIVE_INFINITY : this.crashAt - this.writes;
  }

  /** Counts writes made; returns true when they reach a pending crash (which is then spent). */
  wrote(units: number): boolean {
    this.writes += units;
    if (this.crashAt === undefined || this.writes < this.crashAt) return false;
    this.crashAt = undefined;
    return true;
  }

  /** A number in [0, 1) from the plan's seeded generator (which entries a `partial` fails). */
  random(): number {
    return this.pick();
  }

  /** Hangs past the deadline, as the plan's `hang` option says. */
  async hang(deadline: Deadline | undefined): Promise<void> {
    await this.options.hang?.(deadline);
  }
}
