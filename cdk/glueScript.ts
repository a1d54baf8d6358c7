/**
 * The Glue copy job's script, deployed as an S3 asset: exactly what `dynamodb-pipelines
 * glue-script` prints for the same mapping and tables (domain/glueScript.ts), so the job on AWS
 * and the offline runner apply one mapping list. The script names its tables, so they must be
 * known when the app synthesizes.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Names, Stack, Token } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as s3assets from "aws-cdk-lib/aws-s3-assets";
import type { Construct } from "constructs";
import { MappingsCodec } from "../domain/applyMapping.js";
import { type GlueScriptJob, glueScript } from "../domain/glueScript.js";

/**
 * A table's name as text at synthesis: the imported name (`Table.fromTableName`,
 * `fromTableAttributes`), or the `tableName` a `Table` was created with. A name CloudFormation
 * only chooses at deployment cannot be written into the script: that is an error naming `prop`.
 * @example glueTableName(dynamodb.Table.fromTableName(stack, "T", "api-pagos"), "sourceTable") // "api-pagos"
 */
export const glueTableName = (table: dynamodb.ITable, prop: string): string => {
  if (!Token.isUnresolved(table.tableName)) return table.tableName;
  const resource = table.node.defaultChild;
  if (resource instanceof dynamodb.CfnTable) {
    const name = resource.tableName;
    if (typeof name === "string" && !Token.isUnresolved(name)) return name;
  }
  throw new RangeError(
    `${prop}: the Glue script names its tables, so ${prop} needs a name known at synthesis (create it with tableName, or import it with Table.fromTableName)`,
  );
};

/**
 * A deterministic physical name for a table the construct creates (its stack's name, then the
 * construct path's unique id), so the script can name it.
 * @example new dynamodb.Table(this, "Source", { tableName: createdTableName(this, "Source"), partitionKey })
 */
export const createdTableName = (scope: Construct, id: string): string =>
  `${Stack.of(scope).stackName}-${Names.uniqueId(scope)}-${id}`.slice(-255);

/**
 * The script as an S3 asset (a file written to a temporary folder, uploaded by `cdk deploy`).
 * Throws on mappings `MappingsCodec` refuses (unknown Glue type, malformed path, a target mapped
 * twice or inside another), as the CLI refuses them.
 * @example const script = glueScriptAsset(this, "Script", { sourceTable: "a", targetTable: "b", mappings });
 */
export const glueScriptAsset = (
  scope: Construct,
  id: string,
  job: GlueScriptJob,
): s3assets.Asset => {
  if (MappingsCodec.decode(job.mappings)._tag === "Left")
    throw new RangeError(
      `mappings are not a valid ApplyMapping list: ${JSON.stringify(job.mappings)}`,
    );
  const path = join(mkdtempSync(join(tmpdir(), "dynamodb-pipelines-glue-")), "copy.py");
  writeFileSync(path, glueScript(job));
  return new s3assets.Asset(scope, id, { path });
};
