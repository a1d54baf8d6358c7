/**
 * The tumbling windows of Lambda's stream event source mapping (TumblingWindowInSeconds > 0),
 * per shard: each invocation carries the shard id, the window it falls in, and the state the
 * previous invocation of that window returned; when time moves past the window, a final
 * invocation (`isFinalInvokeForWindow`) hands its state over, then the next window starts empty.
 */

import type { StreamWindowFields } from "../../../domain/streamWindowFields.js";

/**
 * The fields Lambda adds to a stream event in a tumbling window (domain/streamWindowFields.ts).
 * @example const fields: WindowFields = { shardId: "shardId-0001", state: {} };
 */
export type WindowFields = StreamWindowFields;

/** How the windows of one shard are cut. */
export interface StreamWindowOptions {
  readonly seconds: number;
  readonly shardId: string;
  readonly eventSourceArn?: string;
  /** The clock that places invocations in windows (ms since the epoch). */
  readonly now: () => number;
}

/**
 * The window state of one shard.
 * @example const windows = new WindowTracker({ seconds: 60, shardId: "shardId-0001", now: Date.now });
 */
export class WindowTracker {
  private open: { start: number; state: Record<string, unknown> } | undefined;

  constructor(private readonly options: StreamWindowOptions) {}

  /** The fields of an ordinary invocation now (opens the window of now, if none is open). */
  fields(): WindowFields {
    const start = this.startOf(this.options.now());
    if (this.open === undefined || this.open.start !== start) this.open = { start, state: {} };
    return this.describe(this.open.start, this.open.state, false);
  }

  /** The fields of the final invocation of the open window, once time has left it. */
  finalFields(): WindowFields | undefined {
    if (this.open === undefined) return undefined;
    if (this.startOf(this.options.now()) === this.open.start) return undefined;
    return this.describe(this.open.start, this.open.state, true);
  }

  /** The state a successful invocation returned, for the next one of its window. */
  keep(state: Record<string, unknown>): void {
    if (this.open !== undefined) this.open = { ...this.open, state };
  }

  /** The final invocation succeeded: the window and its state are gone. */
  closed(): void {
    this.open = undefined;
  }

  private startOf(ms: number): number {
    const size = this.options.seconds * 1000;
    return Math.floor(ms / size) * size;
  }

  private describe(start: number, state: Record<string, unknown>, final: boolean): WindowFields {
    return {
      shardId: this.options.shardId,
      eventSourceARN: this.options.eventSourceArn ?? "arn:aws:dynamodb:local:000000000000:stream",
      window: {
        start: new Date(start).toISOString(),
        end: new Date(start + this.options.seconds * 1000).toISOString(),
      },
      state,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: false,
    };
  }
}
