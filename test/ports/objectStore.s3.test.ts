import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll } from "vitest";
import { S3ObjectStore } from "../../adapters/aws/S3ObjectStore.js";
import { emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { type FaultProxy, proxiedClients, startFaultProxy } from "../support/faultProxy.js";
import {
  type ObjectStoreFault,
  type ObjectStoreFixture,
  objectStoreContract,
} from "./objectStore.contract.js";

// S3 is reached through a fault proxy in front of moto_server: it forwards every call untouched
// unless a test injects an error into this fixture's GetObject calls.
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().moto);
});
afterAll(() => proxy.close());

const STATUS: Readonly<Record<ObjectStoreFault, number>> = {
  SlowDown: 503,
  InternalError: 500,
  AccessDenied: 403,
};

objectStoreContract("S3ObjectStore on moto", async (): Promise<ObjectStoreFixture> => {
  const { s3 } = proxiedClients(proxy.endpoint);
  const bucket = uniqueName("plain");
  const versionedBucket = uniqueName("versioned");
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new CreateBucketCommand({ Bucket: versionedBucket }));
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: versionedBucket,
      VersioningConfiguration: { Status: "Enabled" },
    }),
  );
  let fault: ObjectStoreFault | undefined;
  proxy.rule = ({ operation, path }) =>
    fault !== undefined && operation === "GET" && path.startsWith(`/${bucket}/`)
      ? { error: fault, status: STATUS[fault] }
      : undefined;
  return {
    store: new S3ObjectStore(s3),
    bucket,
    versionedBucket,
    missingBucket: uniqueName("missing"),
    put: async (target, key, body) => {
      const output = await s3.send(new PutObjectCommand({ Bucket: target, Key: key, Body: body }));
      return {
        etag: output.ETag ?? "",
        ...(output.VersionId === undefined ? {} : { versionId: output.VersionId }),
      };
    },
    inject: (next) => {
      fault = next;
    },
  };
});
