import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { PipelineError } from "../../domain/errors.js";
import type { ObjectStore, ObjectStream } from "../../ports/objectStore.js";

/**
 * What the contract needs from an implementation under test.
 * @example const { store, bucket, put } = await setup();
 */
export interface ObjectStoreFixture {
  readonly store: ObjectStore;
  /** An existing bucket without versioning. */
  readonly bucket: string;
  /** An existing bucket with versioning enabled. */
  readonly versionedBucket: string;
  /** A bucket name that does not exist. */
  readonly missingBucket: string;
  /** Uploads an object (single part) and returns what S3 answered. */
  readonly put: (
    bucket: string,
    key: string,
    body: Uint8Array | string,
  ) => Promise<{ readonly etag: string; readonly versionId?: string }>;
  /** Makes the next GetObject calls fail with this S3 error code (undefined: no fault). */
  readonly inject: (fault: ObjectStoreFault | undefined) => void;
}

/**
 * S3 error codes the contract injects into GetObject.
 * @example fixture.inject("SlowDown")
 */
export type ObjectStoreFault = "SlowDown" | "InternalError" | "AccessDenied";

const read = async (stream: ObjectStream): Promise<{ bytes: Uint8Array; chunks: number }> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream.body) chunks.push(chunk);
  return { bytes: new Uint8Array(Buffer.concat(chunks)), chunks: chunks.length };
};

const opened = (result: E.Either<PipelineError, ObjectStream>): ObjectStream => {
  if (E.isLeft(result)) throw new Error(`open failed: ${JSON.stringify(result.left)}`);
  return result.right;
};

const failed = (result: E.Either<PipelineError, ObjectStream>): PipelineError => {
  if (E.isRight(result)) throw new Error("expected open to fail");
  return result.left;
};

const md5Etag = (bytes: Uint8Array): string => `"${createHash("md5").update(bytes).digest("hex")}"`;

/** Deterministic bytes covering every byte value. */
const sampleBytes = (length: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 31 + (i >> 8)) & 0xff);

/**
 * The {@link ObjectStore} contract: any implementation (in memory, S3, an emulator) must pass it.
 * @example objectStoreContract("InMemoryObjectStore", async () => fixture);
 */
export const objectStoreContract = (
  name: string,
  setup: () => Promise<ObjectStoreFixture>,
): void => {
  describe(`ObjectStore contract: ${name}`, () => {
    it("streams back exactly the bytes stored, with S3's single-part ETag", async () => {
      const f = await setup();
      const bytes = sampleBytes(300_000);
      const put = await f.put(f.bucket, "data/binary.bin", bytes);
      const stream = opened(await f.store.open({ bucket: f.bucket, key: "data/binary.bin" })());
      const body = await read(stream);
      expect(Buffer.from(body.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(body.chunks).toBeGreaterThan(1);
      expect(stream.etag).toBe(md5Etag(bytes));
      expect(stream.etag).toBe(put.etag);
    });

    it("reads keys with spaces and unicode as given", async () => {
      const f = await setup();
      await f.put(f.bucket, "informes/más datos + año.csv", "id\n1\n");
      const stream = opened(
        await f.store.open({ bucket: f.bucket, key: "informes/más datos + año.csv" })(),
      );
      expect(new TextDecoder().decode((await read(stream)).bytes)).toBe("id\n1\n");
    });

    it("returns the latest content of an overwritten key on an unversioned bucket", async () => {
      const f = await setup();
      await f.put(f.bucket, "k.csv", "first");
      await f.put(f.bucket, "k.csv", "second");
      const stream = opened(await f.store.open({ bucket: f.bucket, key: "k.csv" })());
      expect(new TextDecoder().decode((await read(stream)).bytes)).toBe("second");
      expect(stream.etag).toBe(md5Etag(new TextEncoder().encode("second")));
      expect(stream.versionId === undefined || stream.versionId === "null").toBe(true);
    });

    it("gives each version of a versioned object its own id and reads any of them", async () => {
      const f = await setup();
      const v1 = await f.put(f.versionedBucket, "k.csv", "one");
      const v2 = await f.put(f.versionedBucket, "k.csv", "two");
      expect(v1.versionId).toBeDefined();
      expect(v2.versionId).toBeDefined();
      expect(v1.versionId).not.toBe(v2.versionId);
      const latest = opened(await f.store.open({ bucket: f.versionedBucket, key: "k.csv" })());
      expect(latest.versionId).toBe(v2.versionId);
      expect(new TextDecoder().decode((await read(latest)).bytes)).toBe("two");
      const first = opened(
        await f.store.open({
          bucket: f.versionedBucket,
          key: "k.csv",
          versionId: v1.versionId as string,
        })(),
      );
      expect(first.versionId).toBe(v1.versionId);
      expect(new TextDecoder().decode((await read(first)).bytes)).toBe("one");
    });

    it("reports a missing key as an InvalidRecord naming the object", async () => {
      const f = await setup();
      const error = failed(await f.store.open({ bucket: f.bucket, key: "nope/missing.csv" })());
      expect(error._tag).toBe("InvalidRecord");
      expect(error._tag === "InvalidRecord" && error.recordId).toContain(
        `${f.bucket}/nope/missing.csv`,
      );
    });

    it("reports a missing version as an InvalidRecord", async () => {
      const f = await setup();
      await f.put(f.versionedBucket, "v.csv", "x");
      const error = failed(
        await f.store.open({ bucket: f.versionedBucket, key: "v.csv", versionId: "999999" })(),
      );
      expect(error._tag).toBe("InvalidRecord");
    });

    it("reports a missing bucket as a Configuration error naming the bucket", async () => {
      const f = await setup();
      const error = failed(await f.store.open({ bucket: f.missingBucket, key: "k.csv" })());
      expect(error._tag).toBe("Configuration");
      expect(error._tag === "Configuration" && error.resource).toContain(f.missingBucket);
    });

    it("reports throttling and server errors as Transient", async () => {
      const f = await setup();
      await f.put(f.bucket, "k.csv", "x");
      for (const fault of ["SlowDown", "InternalError"] as const) {
        f.inject(fault);
        const error = failed(await f.store.open({ bucket: f.bucket, key: "k.csv" })());
        expect(error._tag).toBe("Transient");
      }
      f.inject(undefined);
      expect(E.isRight(await f.store.open({ bucket: f.bucket, key: "k.csv" })())).toBe(true);
    });

    it("reports refused access as a Configuration error naming the bucket", async () => {
      const f = await setup();
      f.inject("AccessDenied");
      const error = failed(await f.store.open({ bucket: f.bucket, key: "k.csv" })());
      f.inject(undefined);
      expect(error._tag).toBe("Configuration");
      expect(error._tag === "Configuration" && error.resource).toContain(f.bucket);
    });
  });
};
