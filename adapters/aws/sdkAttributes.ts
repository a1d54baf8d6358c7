/**
 * The conversions between the domain's DynamoDB JSON and the SDK's `AttributeValue`, which live
 * in adapters/shared (the shared adapters build SDK-shaped requests); re-exported here for the
 * AWS-side callers (emulator scripts, tests).
 *
 * @example
 * import { toSdkItem } from "./sdkAttributes.js";
 * toSdkItem({ id: { S: "a" } });
 */
export * from "../shared/sdkAttributes.js";
