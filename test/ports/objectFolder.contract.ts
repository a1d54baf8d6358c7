import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { ObjectFolder } from "../../ports/objectFolder.js";

/**
 * A bucket under test: the folder reading it and a way to put objects in.
 * @example const { folder, bucket, put } = await fixture();
 */
export interface ObjectFolderFixture {
  readonly folder: ObjectFolder;
  readonly bucket: string;
  readonly missingBucket: string;
  readonly put: (key: string, body: string) => Promise<void>;
}

const listAll = async (folder: ObjectFolder, bucket: string, prefix: string) => {
  const keys: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const listed = await folder.list(bucket, prefix, after)();
    if (E.isLeft(listed)) throw new Error(JSON.stringify(listed.left));
    keys.push(...listed.right.keys);
    after = listed.right.after;
    if (after === undefined) return keys;
  }
  throw new Error("listing did not end");
};

/**
 * The ObjectFolder contract, run against every adapter (in memory, and S3 on moto_server).
 * @example objectFolderContract("InMemoryObjectFolder", async () => fixture());
 */
export const objectFolderContract = (name: string, fixture: () => Promise<ObjectFolderFixture>) =>
  describe(`ObjectFolder contract: ${name}`, () => {
    it("lists every key under the prefix across pages, in order, and nothing else", async () => {
      const { folder, bucket, put } = await fixture();
      const keys = Array.from(
        { length: 105 },
        (_, i) => `rejects/q/${String(i).padStart(3, "0")}.json`,
      );
      for (const key of keys) await put(key, "{}");
      await put("rejectsX/other.json", "{}");
      await put("elsewhere/a.json", "{}");
      expect(await listAll(folder, bucket, "rejects/")).toEqual(keys);
    });

    it("reads an object's text whole, and removes it", async () => {
      const { folder, bucket, put } = await fixture();
      const text = JSON.stringify({ s: "ñandú 😀 \n", n: "x".repeat(200_000) });
      await put("rejects/a.json", text);
      expect(await folder.read(bucket, "rejects/a.json")()).toEqual(
        E.right(expect.objectContaining({ text })),
      );
      expect(await folder.remove(bucket, "rejects/a.json")()).toEqual(E.right(undefined));
      expect(await listAll(folder, bucket, "rejects/")).toEqual([]);
      const gone = await folder.read(bucket, "rejects/a.json")();
      expect(gone).toEqual(E.left(expect.objectContaining({ _tag: "InvalidRecord" })));
    });

    it("reads the same ETag for the same content, another for new content", async () => {
      const { folder, bucket, put } = await fixture();
      const etagOf = async () => {
        const read = await folder.read(bucket, "rejects/b.json")();
        if (E.isLeft(read)) throw new Error(JSON.stringify(read.left));
        return read.right.etag;
      };
      await put("rejects/b.json", "first");
      const first = await etagOf();
      expect(first).not.toBe("");
      expect(await etagOf()).toBe(first);
      await put("rejects/b.json", "second");
      expect(await etagOf()).not.toBe(first);
    });

    it("reports a missing bucket as a Configuration error", async () => {
      const { folder, missingBucket } = await fixture();
      expect(await folder.list(missingBucket, "rejects/")()).toEqual(
        E.left(expect.objectContaining({ _tag: "Configuration" })),
      );
    });
  });
