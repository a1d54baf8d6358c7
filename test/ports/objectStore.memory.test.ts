import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import type { ObjectStoreFault, ObjectStoreFixture } from "./objectStore.contract.js";
import { objectStoreContract } from "./objectStore.contract.js";

const fixture = (store = new InMemoryObjectStore()): ObjectStoreFixture => {
  store.createBucket("plain");
  store.createBucket("versioned", { versioned: true });
  let fault: ObjectStoreFault | undefined;
  store.fault = (operation) => (operation === "GetObject" ? fault : undefined);
  return {
    store,
    bucket: "plain",
    versionedBucket: "versioned",
    missingBucket: "no-such-bucket",
    put: async (bucket: string, key: string, body: Uint8Array | string) =>
      store.put(bucket, key, body),
    inject: (next) => {
      fault = next;
    },
  };
};

// The same suite runs on moto_server (objectStore.s3.test.ts).
objectStoreContract("InMemoryObjectStore", async () => fixture());

describe("InMemoryObjectStore specifics", () => {
  it("streams slices no larger than the configured chunk size", async () => {
    const store = new InMemoryObjectStore(1000);
    fixture(store);
    store.put("plain", "k", new Uint8Array(4500));
    const opened = await store.open({ bucket: "plain", key: "k" })();
    if (E.isLeft(opened)) throw new Error("open failed");
    const sizes: number[] = [];
    for await (const chunk of opened.right.body) sizes.push(chunk.length);
    expect(sizes).toEqual([1000, 1000, 1000, 1000, 500]);
  });

  it("keeps its own copy of the bytes put", async () => {
    const store = new InMemoryObjectStore();
    fixture(store);
    const bytes = new TextEncoder().encode("abc");
    store.put("plain", "k", bytes);
    bytes[0] = 0x7a;
    const opened = await store.open({ bucket: "plain", key: "k" })();
    if (E.isLeft(opened)) throw new Error("open failed");
    let text = "";
    for await (const chunk of opened.right.body) text += new TextDecoder().decode(chunk);
    expect(text).toBe("abc");
  });

  it("refuses a put into a missing bucket", () => {
    expect(() => new InMemoryObjectStore().put("nope", "k", "x")).toThrow(/NoSuchBucket|bucket/);
  });
});
