import { type MessagePort, Worker } from "node:worker_threads";

/** V8 heap limits of a worker thread, MB (Node's `ResourceLimits`). */
export interface HeapLimits {
  /** Young generation: both semi-spaces and the new large-object space. */
  readonly maxYoungGenerationSizeMb: number;
  /** Old generation; V8's default (a quarter of the machine's memory, up to 4 GB) when absent. */
  readonly maxOldGenerationSizeMb?: number;
}

/**
 * Left alone, V8 grows the young generation to 3 × 16 MB semi-spaces on a large machine and lets
 * the old generation fill with garbage before collecting it: RSS, not data. Every command gets a
 * young generation of a few MB. The streaming commands hold a bounded window of rows whatever
 * the input's size, so their old generation is capped too: the cap bounds their memory, not what
 * they can load. verify-aggregates and rebuild-aggregates hold one sum per total, so theirs is
 * V8's default.
 */
const STREAMING_OLD_GENERATION_MB: Readonly<Record<string, number>> = {
  "load-csv": 64,
  "copy-table": 64,
};

/**
 * The heap a command runs in when the user chose none.
 * @example heapLimitsFor("load-csv") // { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 64 }
 */
export const heapLimitsFor = (command: string | undefined): HeapLimits => {
  const old = command === undefined ? undefined : STREAMING_OLD_GENERATION_MB[command];
  return {
    maxYoungGenerationSizeMb: 12,
    ...(old === undefined ? {} : { maxOldGenerationSizeMb: old }),
  };
};

/** Node flags (command line or NODE_OPTIONS) by which a user chooses the heap's size. */
const HEAP_FLAGS = /--max-old-space-size|--max-semi-space-size|--max-heap-size/;

/**
 * True when the user chose the heap's size (node flags or NODE_OPTIONS): the command then runs
 * in the main thread with the user's limits.
 * @example heapChosenByUser(process.execArgv, process.env.NODE_OPTIONS) // false
 */
export const heapChosenByUser = (
  execArgv: ReadonlyArray<string>,
  nodeOptions: string | undefined,
): boolean => execArgv.some((flag) => HEAP_FLAGS.test(flag)) || HEAP_FLAGS.test(nodeOptions ?? "");

/**
 * What the worker receives: the command line and whether the process's stderr is a terminal
 * (a worker's own stderr is a pipe to the main thread).
 * @example const data: WorkerCommand = { args: ["--help"], isTty: false };
 */
export interface WorkerCommand {
  readonly args: ReadonlyArray<string>;
  readonly isTty: boolean;
}

/** Forwarded to the worker when the process receives SIGINT or SIGTERM. */
export const SIGNAL_MESSAGE = "dynamodb-pipelines:signal";

/**
 * Runs `script` (the command line's entry point) in a worker thread with {@link heapLimitsFor}
 * the command,
 * forwarding SIGINT/SIGTERM to it, and resolves with its exit status. One process: the main
 * thread only waits. A worker stopped by its heap limit ends with status 2 and a message naming
 * the flag that raises it.
 * @example process.exitCode = await runInBoundedWorker(new URL(import.meta.url), process.argv.slice(2));
 */
export const runInBoundedWorker = (script: URL, args: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve) => {
    const workerData: WorkerCommand = { args, isTty: process.stderr.isTTY === true };
    const limits = heapLimitsFor(args[0]);
    const worker = new Worker(script, { workerData, resourceLimits: limits });
    const forward = (signal: NodeJS.Signals) => worker.postMessage({ [SIGNAL_MESSAGE]: signal });
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    let failure: number | undefined;
    worker.on("error", (error: Error & { code?: string }) => {
      process.stderr.write(
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `dynamodb-pipelines: out of memory${limits.maxOldGenerationSizeMb === undefined ? "" : ` (old generation limited to ${limits.maxOldGenerationSizeMb} MB)`}; choose the heap with NODE_OPTIONS=--max-old-space-size=<MB>\n`
          : `dynamodb-pipelines: ${error.stack ?? error.message}\n`,
      );
      failure = 2;
    });
    worker.on("exit", (code) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(failure ?? code);
    });
  });

/**
 * In the worker: delivers the signals the main thread forwards to the process's listeners
 * (load-csv stops after the writes in flight), or ends the command as the signal would
 * (status 128 + its number) when nothing listens. Does not keep the worker alive.
 * @example if (!isMainThread) receiveForwardedSignals(parentPort);
 */
export const receiveForwardedSignals = (port: MessagePort): void => {
  port.on("message", (message: Readonly<Record<string, unknown>>) => {
    const signal = message[SIGNAL_MESSAGE];
    if (signal !== "SIGINT" && signal !== "SIGTERM") return;
    if (process.listenerCount(signal) > 0) process.emit(signal, signal);
    else process.exit(signal === "SIGINT" ? 130 : 143);
  });
  port.unref();
};
