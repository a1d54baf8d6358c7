import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { S3ObjectFolder } from "../../adapters/aws/S3ObjectFolder.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";
import { type ObjectFolderFixture, objectFolderContract } from "./objectFolder.contract.js";

const { s3 } = emulatorClients();

// The same suite runs on the in-memory S3 (objectFolder.memory.test.ts).
objectFolderContract("S3ObjectFolder on moto", async (): Promise<ObjectFolderFixture> => {
  const bucket = uniqueName("ops");
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    folder: new S3ObjectFolder(s3),
    bucket,
    missingBucket: uniqueName("gone"),
    put: async (key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
  };
});
