#!/usr/bin/env node
/**
 * The `dynamodb-pipelines` command line (package.json `bin`): day-2 operations on the pipelines'
 * tables, built on the same domain functions and adapters as the Lambda entry points.
 * @example npx dynamodb-pipelines --help
 */
import { processIo } from "./cliIo.js";
import { runCli } from "./runCli.js";

process.exitCode = await runCli(process.argv.slice(2), processIo());
