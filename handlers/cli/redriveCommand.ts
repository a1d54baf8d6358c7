import { SQSClient } from "@aws-sdk/client-sqs";
import * as E from "fp-ts/lib/Either.js";
import { S3ObjectFolder } from "../../adapters/aws/S3ObjectFolder.js";
import { createS3Client } from "../../adapters/aws/S3ObjectStore.js";
import { SqsMessageQueue } from "../../adapters/aws/SqsMessageQueue.js";
import { SqsMessageSource, sqsQueueDirectory } from "../../adapters/aws/SqsMessageSource.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { describeError } from "../../domain/errors.js";
import { redrive } from "../../ports/useCases/redrive.js";
import {
  folderRedriveSource,
  queueRedriveSource,
  type RedriveSource,
} from "../../ports/useCases/redriveSources.js";
import { retriedByTheLibrary } from "../lambda/clientConfig.js";
import { EXIT_FAILED, EXIT_FOUND_WRONG, EXIT_OK } from "./cliIo.js";
import { type Command, optionalFlag, requiredFlag } from "./command.js";
import { progress } from "./progress.js";

/** Problems listed by name before the rest are only counted. */
const PROBLEMS_SHOWN = 50;
/** Body characters a dry run shows. */
const BODY_SHOWN = 120;

const S3_PREFIX = /^s3:\/\/([^/]+)\/?(.*)$/;

const wholeNumber = (text: string | undefined, fallback: number, max: number) => {
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= max ? value : undefined;
};

/**
 * `redrive`: replays what a dead-letter queue or a reject destination (docs/rejects.md) holds
 * back into the pipeline's input queue, once the cause is fixed.
 * @example await runCli(["redrive", "--from", dlqUrl, "--to", queueUrl, "--dry-run"], io)
 */
export const redriveCommand: Command = {
  name: "redrive",
  summary: "replay a dead-letter queue or reject documents into the pipeline's queue",
  usage: `Usage: dynamodb-pipelines redrive --from <queue-url|s3://bucket/prefix> [--to <queue-url>] [--dry-run] [--max <n>]

Replays, once the cause is fixed, what --from holds into the pipeline's input queue:
- a dead-letter queue (raw messages): each body and its message attributes is sent to --to
  (required then); on a FIFO --to the message group is kept (or the message id is its group);
- reject documents (docs/rejects.md), in an SQS queue or under an S3 prefix: a queueToTable
  document's SQS message goes back to --to, or to the queue its eventSourceARN names; a
  command csvToQueue's queue refused is sent to --to as a one-command message. Documents of
  stream or Kinesis records, and CSV rows with a bad cell, are not redrivable: they are listed
  and left in place (docs/rejects.md, Replaying, gives the manual path).
Sent with SendMessageBatch; an entry is deleted from the source (message deleted, S3 document
deleted) only after its send succeeded. Queue messages are read invisible for the visibility
timeout, so two redrives running at once do not send a message twice; the ones left in place
are made visible again at the end. On a FIFO target the deduplication id is derived from the
record and this copy of it: the source message's id (the same at every receive) or the S3
document's key and ETag. A run repeated after one stopped between a send and its delete does
not send twice within 5 minutes of that send (the stopped run's messages stay hidden for its
--visibility-timeout); a record that fails again comes back as a new message or document, and
is sent again.
Each message sent carries the dynamodb-pipelines-replay attribute: a replayed change may be
older than what the table holds by now; queueToTable with VERSION_TABLE drops it then, and
without VERSION_TABLE refuses it (docs/guarantees.md, "Replication converges").

  --from <queue-url|s3://bucket/prefix>  what to replay
  --to <queue-url>                      the pipeline's input queue
  --dry-run                             print what would be sent where; change nothing
  --max <n>                             read at most n messages or documents
  --visibility-timeout <seconds>        how long read messages stay hidden (default 60)
  --json                                one JSON summary on stdout:
                                        {"read":…,"sent":…,"notRedrivable":…,"failed":…}
Exit status 1 when something was not redriven (not redrivable, or its send failed).`,
  options: {
    from: { type: "string" },
    to: { type: "string" },
    "dry-run": { type: "boolean" },
    max: { type: "string" },
    "visibility-timeout": { type: "string" },
  },
  run: async (flags, _positionals, io) => {
    const fail = (message: string) => {
      io.err(`redrive: ${message}`);
      return EXIT_FAILED;
    };
    const from = requiredFlag(flags, "from");
    if (E.isLeft(from)) return fail(from.left);
    const to = optionalFlag(flags, "to");
    if (to !== undefined && !/^https?:\/\//.test(to)) return fail("--to must be a queue URL");
    const max = wholeNumber(
      optionalFlag(flags, "max"),
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
    );
    if (max === undefined) return fail("--max must be a whole number of at least 1");
    // A message stays hidden long enough for its send and delete, and short enough that a run
    // repeated after an interrupted one sees it again within SQS's 5-minute deduplication window.
    const visibility = wholeNumber(optionalFlag(flags, "visibility-timeout"), 60, 43_200);
    if (visibility === undefined)
      return fail("--visibility-timeout must be a whole number of seconds from 1 to 43,200");
    const dryRun = flags["dry-run"] === true;

    const sqs = new SQSClient({});
    let source: RedriveSource;
    const s3 = S3_PREFIX.exec(from.right);
    if (s3 !== null) {
      source = folderRedriveSource(new S3ObjectFolder(createS3Client()), s3[1] ?? "", s3[2] ?? "");
    } else if (/^https?:\/\//.test(from.right)) {
      if (to !== undefined && to === from.right) return fail("--to is the queue --from reads");
      source = queueRedriveSource(new SqsMessageSource(sqs, from.right), visibility);
    } else return fail("--from must be a queue URL or s3://bucket/prefix");

    const sending = new SQSClient(retriedByTheLibrary);
    const bar = progress(io, `redrive ${from.right}`);
    const summary = await redrive(
      source,
      {
        ...(to === undefined ? {} : { to }),
        directory: sqsQueueDirectory(sqs),
        queueAt: (url) => new SqsMessageQueue(sending, url),
      },
      {
        dryRun,
        ...(max === Number.MAX_SAFE_INTEGER ? {} : { max }),
        deadline: unboundedDeadline,
        onProgress: (read) => bar.update(read),
      },
    )();
    bar.finish();

    if (flags.json === true)
      io.out(
        JSON.stringify({
          read: summary.read,
          sent: summary.sent,
          notRedrivable: summary.notRedrivable,
          failed: summary.failed,
          ...(dryRun ? { dryRun, wouldSend: summary.planned } : {}),
          problems: summary.problems,
        }),
      );
    else {
      for (const plan of summary.planned)
        io.out(
          `would send ${plan.id} to ${plan.to}: ${plan.body.length > BODY_SHOWN ? `${plan.body.slice(0, BODY_SHOWN)}…` : plan.body}`,
        );
      for (const problem of summary.problems.slice(0, PROBLEMS_SHOWN))
        io.out(
          `${problem.kind === "notRedrivable" ? "not redrivable" : problem.kind === "failed" ? "failed" : "not removed"}: ${problem.id}: ${problem.reason}`,
        );
      if (summary.problems.length > PROBLEMS_SHOWN)
        io.out(`… and ${summary.problems.length - PROBLEMS_SHOWN} more`);
      io.out(
        `${summary.read} read, ${dryRun ? `${summary.planned.length} would be sent (dry run: nothing changed)` : `${summary.sent} sent`}, ${summary.notRedrivable} not redrivable, ${summary.failed} failed`,
      );
    }
    if (summary.stopped !== undefined)
      return fail(
        `${describeError(summary.stopped)} (what was sent is deleted from the source; run it again)`,
      );
    return summary.problems.length === 0 ? EXIT_OK : EXIT_FOUND_WRONG;
  },
};
