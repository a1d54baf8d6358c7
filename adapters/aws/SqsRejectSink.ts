import type { SQSClient } from "@aws-sdk/client-sqs";
import { RejectSinkOverSqs } from "../shared/RejectSinkOverSqs.js";
import type { RetryEnv } from "../shared/retry.js";
import { awsSqsCalls } from "./awsSqsCalls.js";

/**
 * {@link RejectSinkOverSqs} on an SQS queue: one reject document per message.
 * @example const rejects = new SqsRejectSink(new SQSClient({}), process.env.REJECT_DESTINATION ?? "", "queueToTable");
 */
export class SqsRejectSink extends RejectSinkOverSqs {
  constructor(client: SQSClient, queueUrl: string, entryPoint: string, retry?: RetryEnv) {
    super(awsSqsCalls(client), queueUrl, entryPoint, retry);
  }
}
