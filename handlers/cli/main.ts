#!/usr/bin/env node
/**
 * The `dynamodb-pipelines` command line (package.json `bin`): day-2 operations on the pipelines'
 * tables, built on the same domain functions and adapters as the Lambda entry points. Unless the
 * user chose the heap's size (NODE_OPTIONS=--max-old-space-size=…), the command runs in a worker
 * thread of bounded heap (boundedHeap.ts), which keeps the process's memory small. Run from the
 * TypeScript sources (tsx, whose loader does not reach worker threads on Node 20) it runs in the
 * main thread.
 * @example npx dynamodb-pipelines --help
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import {
  heapChosenByUser,
  receiveForwardedSignals,
  runInBoundedWorker,
  type WorkerCommand,
} from "./boundedHeap.js";

const compiled = import.meta.url.endsWith(".js");
if (isMainThread && compiled && !heapChosenByUser(process.execArgv, process.env.NODE_OPTIONS))
  process.exitCode = await runInBoundedWorker(new URL(import.meta.url), process.argv.slice(2));
else {
  const command: WorkerCommand = isMainThread
    ? { args: process.argv.slice(2), isTty: process.stderr.isTTY === true }
    : (workerData as WorkerCommand);
  if (parentPort !== null) receiveForwardedSignals(parentPort);
  const { processIo } = await import("./cliIo.js");
  const { runCli } = await import("./runCli.js");
  process.exitCode = await runCli(command.args, processIo(command.isTty));
}
