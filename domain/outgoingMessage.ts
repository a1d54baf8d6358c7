/**
 * A message to send to a queue. `id` is unique within one send and names the message in reports.
 *
 * @example
 * const message: OutgoingMessage = { id: "0", body: "{}", groupId: "k", deduplicationId: "e1@inv" };
 */
export interface OutgoingMessage {
  readonly id: string;
  readonly body: string;
  /** FIFO queues only: messages of one group are delivered in order. */
  readonly groupId?: string;
  /** FIFO queues only: a second message with this id within 5 minutes is dropped by the queue. */
  readonly deduplicationId?: string;
}
