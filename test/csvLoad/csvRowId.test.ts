import { describe, expect, it } from "vitest";
import {
  type CsvObjectRef,
  csvObjectId,
  csvRowId,
  deduplicationSource,
} from "../../domain/csvRowId.js";

const unversioned: CsvObjectRef = {
  bucket: "uploads",
  key: "in/orders.csv",
  etag: '"9a0364b9e99bb480dd25e1f0284c8555"',
};

describe("csvRowId", () => {
  it("names the object by its ETag (quotes dropped) on unversioned buckets", () => {
    expect(csvRowId(unversioned, 12)).toBe(
      "s3://uploads/in/orders.csv?etag=9a0364b9e99bb480dd25e1f0284c8555#L12",
    );
  });

  it("names the object by its versionId when there is one", () => {
    expect(csvRowId({ ...unversioned, versionId: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY" }, 2)).toBe(
      "s3://uploads/in/orders.csv?versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY#L2",
    );
  });

  it("uses the ETag when the versionId is S3's 'null' (unversioned object)", () => {
    expect(csvObjectId({ ...unversioned, versionId: "null" })).toBe(csvObjectId(unversioned));
  });

  it("is the same for the same version and differs for another version or content", () => {
    expect(csvRowId({ ...unversioned }, 5)).toBe(csvRowId(unversioned, 5));
    expect(csvRowId({ ...unversioned, versionId: "1" }, 5)).not.toBe(
      csvRowId({ ...unversioned, versionId: "2" }, 5),
    );
    expect(csvRowId({ ...unversioned, etag: '"other"' }, 5)).not.toBe(csvRowId(unversioned, 5));
    expect(csvRowId(unversioned, 5)).not.toBe(csvRowId(unversioned, 6));
  });

  it("keeps spaces and unicode readable but escapes characters that would be ambiguous", () => {
    const ref = { ...unversioned, key: "datos/más datos #1?.csv" };
    expect(csvRowId(ref, 2)).toBe(
      "s3://uploads/datos/más datos %231%3F.csv?etag=9a0364b9e99bb480dd25e1f0284c8555#L2",
    );
    expect(csvObjectId({ ...unversioned, key: "a%23" })).not.toBe(
      csvObjectId({ ...unversioned, key: "a#" }),
    );
  });
});

describe("deduplicationSource", () => {
  it("is the row id for a one-row message and a line range for several rows", () => {
    expect(deduplicationSource(unversioned, 4, 4)).toBe(csvRowId(unversioned, 4));
    expect(deduplicationSource(unversioned, 4, 9)).toBe(`${csvRowId(unversioned, 4)}-L9`);
    expect(deduplicationSource(unversioned, 4, 9)).not.toBe(deduplicationSource(unversioned, 4, 8));
  });
});
