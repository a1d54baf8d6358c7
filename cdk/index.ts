/**
 * `dynamodb-pipelines/cdk`: one AWS CDK construct per pipeline, deploying the package's prebuilt
 * Lambda bundles with the event source settings the pipelines' guarantees depend on.
 *
 * @example
 * import { AggregationPipeline } from "dynamodb-pipelines/cdk";
 * new AggregationPipeline(stack, "Totals", { ordersTable: orders });
 */
export { AggregationPipeline, type AggregationPipelineProps } from "./aggregationPipeline.js";
export { CsvLoadPipeline, type CsvLoadPipelineProps } from "./csvLoadPipeline.js";
export { EventLogPipeline, type EventLogPipelineProps } from "./eventLogPipeline.js";
export {
  iteratorAgeAlarm,
  type QueueSourceOptions,
  queueSource,
  type StreamSourceOptions,
  streamSource,
} from "./eventSources.js";
export { GlueCopyPipeline, type GlueCopyPipelineProps } from "./glueCopyPipeline.js";
export { createdTableName, glueScriptAsset, glueTableName } from "./glueScript.js";
export { bundleDir, type EntryPointName, packageDir } from "./packageBundle.js";
export {
  DEFAULT_TIMEOUT,
  PipelineFunction,
  type PipelineFunctionOptions,
  type PipelineFunctionProps,
  type PipelineRuntime,
} from "./pipelineFunction.js";
export { dlqDepthAlarm, failureQueue, type QueueWithDlqProps, queueWithDlq } from "./queues.js";
export {
  type PipelineRejects,
  pipelineRejects,
  type RejectDestinationProp,
} from "./rejectDestination.js";
export { ReplicationPipeline, type ReplicationPipelineProps } from "./replicationPipeline.js";
export { versionTable } from "./versionTable.js";
