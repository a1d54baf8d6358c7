import { InMemoryObjectFolder } from "../../adapters/memory/InMemoryObjectFolder.js";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import { type ObjectFolderFixture, objectFolderContract } from "./objectFolder.contract.js";

// The same suite runs on moto_server (objectFolder.s3.test.ts).
objectFolderContract("InMemoryObjectFolder", async (): Promise<ObjectFolderFixture> => {
  const s3 = new InMemoryObjectStore();
  s3.createBucket("ops");
  return {
    folder: new InMemoryObjectFolder(s3),
    bucket: "ops",
    missingBucket: "gone",
    put: async (key, body) => {
      s3.put("ops", key, body);
    },
  };
});
