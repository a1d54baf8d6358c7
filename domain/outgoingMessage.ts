/**
 * One SQS message attribute (binary values in base64, as Lambda's `SQSRecord` holds them).
 * @example const attribute: MessageAttribute = { dataType: "String", stringValue: "csv" };
 */
export interface MessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  /** Base64 of the bytes. */
  readonly binaryValue?: string;
}

/**
 * Message attributes by name.
 * @example const attributes: MessageAttributes = { origin: { dataType: "String", stringValue: "csv" } };
 */
export type MessageAttributes = Readonly<Record<string, MessageAttribute>>;

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
  /** SQS message attributes (a redrive keeps a dead-lettered message's). */
  readonly attributes?: MessageAttributes;
}
