import { type ParseArgsConfig, parseArgs } from "node:util";
import * as E from "fp-ts/lib/Either.js";
import type { CliIo } from "./cliIo.js";

/** Flags as `util.parseArgs` returns them. */
export type Flags = Readonly<Record<string, string | boolean | undefined>>;

/**
 * One subcommand: its flags (Node's `util.parseArgs` options), its help text, and what it does.
 * `run` returns the exit status.
 * @example const command: Command = { name: "glue-script", summary: "…", usage: "…", options: {}, run: async () => 0 };
 */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The `--help` text: usage line, flags, notes. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  /** Positional arguments accepted (default 0). */
  readonly positionals?: number;
  readonly run: (flags: Flags, positionals: ReadonlyArray<string>, io: CliIo) => Promise<number>;
}

/** The flags every command takes. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a command's arguments strictly (unknown flags and extra positionals are errors).
 * @example parseCommandArgs(command, ["--json"]) // right({ flags: { json: true }, positionals: [] })
 */
export const parseCommandArgs = (
  command: Command,
  args: ReadonlyArray<string>,
): E.Either<string, { readonly flags: Flags; readonly positionals: ReadonlyArray<string> }> => {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help !== true && parsed.positionals.length > (command.positionals ?? 0))
      return E.left(`unexpected argument ${parsed.positionals[command.positionals ?? 0]}`);
    return E.right({ flags: parsed.values as Flags, positionals: parsed.positionals });
  } catch (error) {
    return E.left((error as Error).message);
  }
};

/**
 * A required string flag, or the message naming it.
 * @example requiredFlag(flags, "table") // right("orders")
 */
export const requiredFlag = (flags: Flags, name: string): E.Either<string, string> => {
  const value = flags[name];
  return typeof value === "string" && value !== ""
    ? E.right(value)
    : E.left(`--${name} <value> is required`);
};

/**
 * An optional string flag.
 * @example optionalFlag(flags, "spec") // "spec.json" or undefined
 */
export const optionalFlag = (flags: Flags, name: string): string | undefined => {
  const value = flags[name];
  return typeof value === "string" ? value : undefined;
};
