import * as E from "fp-ts/lib/Either.js";
import { mappingsFromJson } from "../../domain/applyMapping.js";
import { glueScript } from "../../domain/glueScript.js";
import { EXIT_FAILED, EXIT_OK, readText } from "./cliIo.js";
import { type Command, optionalFlag, requiredFlag } from "./command.js";

/**
 * `glue-script`: prints the PySpark Glue job copying one table into another through the mapping
 * file (seed 001's tuple list), the same list `applyMapping` applies offline.
 * @example await runCli(["glue-script", "--mapping", "m.json", "--source-table", "a", "--target-table", "b"], io)
 */
export const glueScriptCommand: Command = {
  name: "glue-script",
  summary: "print the PySpark Glue job performing a mapping (seed 001)",
  usage: `Usage: dynamodb-pipelines glue-script --mapping <json-file> --source-table <t> --target-table <t>

Prints a PySpark Glue script that reads --source-table with the DynamoDB connector, applies
exactly the mapping file's ApplyMapping tuples and writes --target-table.

  --mapping <file>         JSON list of [sourcePath, sourceType, targetPath, targetType]
  --source-table <name>    table the job reads
  --target-table <name>    table the job writes
  --throughput <fraction>  dynamodb.throughput.read/write.percent (default 0.5)
  --json                   print { "script": …, "mappings": … } instead of the script`,
  options: {
    mapping: { type: "string" },
    "source-table": { type: "string" },
    "target-table": { type: "string" },
    throughput: { type: "string" },
  },
  run: async (flags, _positionals, io) => {
    const mappingPath = requiredFlag(flags, "mapping");
    const source = requiredFlag(flags, "source-table");
    const target = requiredFlag(flags, "target-table");
    for (const flag of [mappingPath, source, target])
      if (E.isLeft(flag)) {
        io.err(`glue-script: ${flag.left}`);
        return EXIT_FAILED;
      }
    if (E.isLeft(mappingPath) || E.isLeft(source) || E.isLeft(target)) return EXIT_FAILED;
    const throughputText = optionalFlag(flags, "throughput") ?? "0.5";
    const throughput = Number(throughputText);
    if (!(throughput > 0 && throughput <= 1.5)) {
      io.err(`glue-script: --throughput must be a number in (0, 1.5], got ${throughputText}`);
      return EXIT_FAILED;
    }
    const text = await readText(mappingPath.right);
    const mappings = E.isLeft(text) ? text : mappingsFromJson(text.right);
    if (E.isLeft(mappings)) {
      io.err(`glue-script: ${mappingPath.right}: ${mappings.left}`);
      return EXIT_FAILED;
    }
    const script = glueScript({
      sourceTable: source.right,
      targetTable: target.right,
      mappings: mappings.right,
      throughputPercent: throughput,
    });
    if (flags.json === true) io.out(JSON.stringify({ script, mappings: mappings.right }));
    else io.out(script.trimEnd());
    return EXIT_OK;
  },
};
