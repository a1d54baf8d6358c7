import type { AggregateStore } from "../../../ports/aggregateStore.js";
import type { JobRunner } from "../../../ports/jobRunner.js";
import type { MessageQueue } from "../../../ports/messageQueue.js";
import type { ObjectStore } from "../../../ports/objectStore.js";
import type { TableWriter } from "../../../ports/tableWriter.js";
import { FaultyAggregateStore } from "./FaultyAggregateStore.js";
import { FaultyJobRunner } from "./FaultyJobRunner.js";
import { FaultyMessageQueue } from "./FaultyMessageQueue.js";
import { FaultyObjectStore } from "./FaultyObjectStore.js";
import { FaultyTableWriter } from "./FaultyTableWriter.js";
import type { FaultPlan } from "./faultPlan.js";

type Port = TableWriter | MessageQueue | AggregateStore | JobRunner | ObjectStore;

/**
 * Puts the fault decorator of its port in front of `port`: the same call for the in-memory and
 * the AWS adapters, driven by one {@link FaultPlan}.
 *
 * @example
 * const plan = FaultPlan.random({ seed: 42 });
 * const table = withFaults(new InMemoryTableWriter(db, "replica"), plan);
 * const queue = withFaults(new SqsMessageQueue(sqs, url), plan);
 */
export function withFaults(port: TableWriter, plan: FaultPlan): TableWriter;
export function withFaults(port: MessageQueue, plan: FaultPlan): MessageQueue;
export function withFaults(port: AggregateStore, plan: FaultPlan): AggregateStore;
export function withFaults(port: JobRunner, plan: FaultPlan): JobRunner;
export function withFaults(port: ObjectStore, plan: FaultPlan): ObjectStore;
export function withFaults(port: Port, plan: FaultPlan): Port {
  if ("write" in port) return new FaultyTableWriter(port, plan);
  if ("send" in port) return new FaultyMessageQueue(port, plan);
  if ("apply" in port) return new FaultyAggregateStore(port, plan);
  if ("startRun" in port) return new FaultyJobRunner(port, plan);
  return new FaultyObjectStore(port, plan);
}
