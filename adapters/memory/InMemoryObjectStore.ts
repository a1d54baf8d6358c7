import { createHash } from "node:crypto";
import type { GetObjectCommandInput } from "@aws-sdk/client-s3";
import type { ObjectLocation, ObjectStore } from "../../ports/objectStore.js";
import { InMemoryServiceError } from "../localAws/services/serviceError.js";
import { ObjectStoreOverS3 } from "../shared/ObjectStoreOverS3.js";
import type { GetObjectOutput, S3PutCalls } from "../shared/s3Calls.js";
import { callService } from "../shared/serviceFailure.js";

interface StoredVersion {
  readonly versionId: string | undefined;
  readonly bytes: Uint8Array;
  readonly etag: string;
}

interface Bucket {
  readonly versioned: boolean;
  /** key → versions, oldest first (one entry on unversioned buckets). */
  readonly objects: Map<string, StoredVersion[]>;
  nextVersion: number;
}

/** What {@link InMemoryObjectStore.put} stored. */
export interface PutResult {
  readonly etag: string;
  readonly versionId?: string;
}

/** Hook for fault injection: return an exception name to throw it instead of running `operation`. */
export type ObjectStoreFaultHook = (
  operation: string,
  bucket: string,
  key: string,
) => string | undefined;

/** The size of the slices `open` streams (S3's SDK streams comparable chunks). */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * S3 in memory behind the {@link ObjectStore} port: buckets (optionally versioned, with
 * increasing versionIds), ETags as S3 computes them for single-part uploads (quoted MD5 hex),
 * and bodies streamed as slices of the stored bytes (views, never a copy of the whole object).
 * A missing bucket is a `Configuration` error; a missing key or version an `InvalidRecord`
 * naming the object (that object can never be read; the deployment is fine).
 *
 * @example
 * const s3 = new InMemoryObjectStore();
 * s3.createBucket("uploads");
 * s3.put("uploads", "orders.csv", "id,qty\n1,2\n");
 * const object = await s3.open({ bucket: "uploads", key: "orders.csv" })();
 */
export class InMemoryObjectStore implements ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  /** Set to inject faults (`"SlowDown"`, `"InternalError"`, …) into the next operations. */
  fault: ObjectStoreFaultHook | undefined;

  constructor(private readonly chunkBytes: number = DEFAULT_CHUNK_BYTES) {
    if (!(chunkBytes >= 1)) throw new RangeError("chunkBytes must be at least 1");
  }

  /** Creates a bucket; `versioned: true` keeps every version with its own versionId. */
  createBucket(name: string, options: { readonly versioned?: boolean } = {}): void {
    if (this.buckets.has(name))
      throw new InMemoryServiceError("BucketAlreadyOwnedByYou", `bucket ${name} exists`);
    this.buckets.set(name, {
      versioned: options.versioned ?? false,
      objects: new Map(),
      nextVersion: 1,
    });
  }

  /** PutObject: stores a copy of `body` (strings as UTF-8) and returns its ETag and versionId. */
  put(bucket: string, key: string, body: Uint8Array | string): PutResult {
    this.injectFault("PutObject", bucket, key);
    const b = this.bucket(bucket);
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body.slice();
    const etag = `"${createHash("md5").update(bytes).digest("hex")}"`;
    const versionId = b.versioned ? String(b.nextVersion++) : undefined;
    const version: StoredVersion = { versionId, bytes, etag };
    if (b.versioned) b.objects.set(key, [...(b.objects.get(key) ?? []), version]);
    else b.objects.set(key, [version]);
    return versionId === undefined ? { etag } : { etag, versionId };
  }

  /** DeleteObject (every version, for simplicity). */
  delete(bucket: string, key: string): void {
    this.injectFault("DeleteObject", bucket, key);
    this.bucket(bucket).objects.delete(key);
  }

  /** PutObject as {@link S3PutCalls} (the reject sink's code runs on it). */
  readonly putCalls: S3PutCalls = {
    putObject: (input) =>
      callService(async () => ({ ETag: this.put(input.Bucket, input.Key, input.Body).etag })),
  };

  /** The text of an object's latest version (reject documents, in tests). */
  text(bucket: string, key: string): string {
    return new TextDecoder().decode(this.find({ bucket, key }).bytes);
  }

  /** The keys of a bucket's objects under `prefix`, sorted. */
  keys(bucket: string, prefix = ""): string[] {
    return [...this.bucket(bucket).objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** {@link ObjectStore.open}: the S3 object store's code, bound to {@link getObject}. */
  readonly open: ObjectStore["open"] = (location) => this.adapter.open(location);

  private readonly adapter = new ObjectStoreOverS3({
    getObject: (input) => callService(async () => this.getObject(input)),
  });

  /**
   * GetObject: the object's (or version's) body as slices of the stored bytes, its ETag and
   * versionId; an {@link InMemoryServiceError} (`NoSuchBucket`, `NoSuchKey`, `NoSuchVersion`, an
   * injected fault) otherwise.
   */
  getObject(input: GetObjectCommandInput): GetObjectOutput {
    const location = { bucket: input.Bucket ?? "", key: input.Key ?? "" };
    this.injectFault("GetObject", location.bucket, location.key);
    const version = this.find(
      input.VersionId === undefined ? location : { ...location, versionId: input.VersionId },
    );
    return {
      Body: this.slices(version.bytes),
      ETag: version.etag,
      ...(version.versionId === undefined ? {} : { VersionId: version.versionId }),
    };
  }

  private async *slices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < bytes.length; offset += this.chunkBytes)
      yield bytes.subarray(offset, offset + this.chunkBytes);
  }

  private find(location: ObjectLocation): StoredVersion {
    const versions = this.bucket(location.bucket).objects.get(location.key) ?? [];
    if (versions.length === 0)
      throw new InMemoryServiceError("NoSuchKey", "The specified key does not exist.");
    if (location.versionId === undefined) return versions[versions.length - 1] as StoredVersion;
    const wanted = location.versionId === "null" ? undefined : location.versionId;
    const version = versions.find((v) => v.versionId === wanted);
    if (version === undefined)
      throw new InMemoryServiceError("NoSuchVersion", "The specified version does not exist.");
    return version;
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (bucket === undefined)
      throw new InMemoryServiceError("NoSuchBucket", "The specified bucket does not exist");
    return bucket;
  }

  private injectFault(operation: string, bucket: string, key: string): void {
    const fault = this.fault?.(operation, bucket, key);
    if (fault !== undefined)
      throw new InMemoryServiceError(fault, `injected ${fault} on ${operation}`);
  }
}
