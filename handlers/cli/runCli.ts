import * as E from "fp-ts/lib/Either.js";
import { type CliIo, EXIT_FAILED, EXIT_OK } from "./cliIo.js";
import { type Command, parseCommandArgs } from "./command.js";
import { copyTableCommand } from "./copyTableCommand.js";
import { glueScriptCommand } from "./glueScriptCommand.js";
import { loadCsvCommand } from "./loadCsvCommand.js";
import { rebuildAggregatesCommand } from "./rebuildAggregatesCommand.js";
import { redriveCommand } from "./redriveCommand.js";
import { verifyAggregatesCommand } from "./verifyAggregatesCommand.js";

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: ReadonlyArray<Command> = [
  loadCsvCommand,
  copyTableCommand,
  glueScriptCommand,
  verifyAggregatesCommand,
  rebuildAggregatesCommand,
  redriveCommand,
];

/**
 * The top-level `--help` text: the commands and what they do.
 * @example io.out(overview())
 */
export const overview = (): string => {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    "Usage: dynamodb-pipelines <command> [flags]",
    "",
    "Day-2 operations on the pipelines' tables. AWS access through the SDK's configuration",
    "chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_DYNAMODB …).",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Every command takes --help and --json. Exit status: 0 done, 1 something was rejected or",
    "found wrong, 2 the command could not run.",
  ].join("\n");
};

/**
 * Runs the command line `args` (without node and the script) and returns the exit status.
 * @example process.exitCode = await runCli(["glue-script", "--help"], processIo());
 */
export const runCli = async (args: ReadonlyArray<string>, io: CliIo): Promise<number> => {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(overview());
    return name === undefined ? EXIT_FAILED : EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(`dynamodb-pipelines: unknown command ${name}\n\n${overview()}`);
    return EXIT_FAILED;
  }
  const parsed = parseCommandArgs(command, rest);
  if (E.isLeft(parsed)) {
    io.err(`${command.name}: ${parsed.left}\n\n${command.usage}`);
    return EXIT_FAILED;
  }
  if (parsed.right.flags.help === true) {
    io.out(command.usage);
    return EXIT_OK;
  }
  return command.run(parsed.right.flags, parsed.right.positionals, io);
};
