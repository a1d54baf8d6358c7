import { type TransientFailure, transient } from "../../../domain/errors.js";
import { type Fault, type FaultPort, faultKind } from "./faultPlan.js";

/**
 * The error an injected fault raises: the reason an injected crash rejects with (the invocation
 * dies), the error a broken object body throws, and the `cause` of injected `Transient` errors.
 * Tests tell injected failures from real ones with {@link isInjectedFault}.
 *
 * @example throw new InjectedFaultError("TableWriter", "crashAfter", "injected crash after the write")
 */
export class InjectedFaultError extends Error {
  override readonly name = "InjectedFaultError";

  constructor(
    readonly port: FaultPort,
    readonly fault: Fault,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether an error comes from an injected fault: it is one, or one is in its chain of causes
 * (a handler that throws `toThrowable(transient)` keeps the injected error two causes down).
 * @example isInjectedFault(new Error("send failed", { cause: injectedTransient("MessageQueue", "SendMessageBatch", "transient") })) // true
 */
export const isInjectedFault = (error: unknown): boolean => {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && typeof current === "object" && current !== null; depth++) {
    if (current instanceof InjectedFaultError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
};

/**
 * The rejection of an injected crash: the invocation dies `before` or `after` its write.
 * @example return Promise.reject(injectedCrash("MessageQueue", "crashBefore"))
 */
export const injectedCrash = (port: FaultPort, fault: Fault): InjectedFaultError =>
  new InjectedFaultError(
    port,
    fault,
    `injected ${faultKind(fault)}: the invocation died (${port})`,
  );

const REASONS: Readonly<Record<string, readonly [name: string, reason: string]>> = {
  transient: ["ThrottlingException", "injected ThrottlingException: rate exceeded"],
  timeout: ["TimeoutError", "injected timeout: the call hung past the deadline"],
  transactionCanceled: [
    "TransactionCanceledException",
    "injected: Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
  ],
  concurrentRunsExceeded: [
    "ConcurrentRunsExceededException",
    "injected: Concurrent runs exceeded for the job",
  ],
  partial: ["UnprocessedItems", "injected: left unprocessed by a partial batch failure"],
};

/**
 * The `Transient` error a non-crash fault stands for, named after the AWS error it imitates, with
 * an {@link InjectedFaultError} as `cause`.
 * @example injectedTransient("AggregateStore", "TransactWriteItems", "transactionCanceled")
 */
export const injectedTransient = (
  port: FaultPort,
  operation: string,
  fault: Fault,
): TransientFailure => {
  const [name, reason] = REASONS[faultKind(fault)] ?? [
    "ThrottlingException",
    "injected ThrottlingException",
  ];
  return transient(
    name === "TimeoutError" ? name : operation,
    `${name}: ${reason}`,
    new InjectedFaultError(port, fault, reason),
  );
};
