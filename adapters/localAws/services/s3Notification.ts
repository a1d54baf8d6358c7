import type { S3Event } from "aws-lambda";

/**
 * The S3 event notification (ObjectCreated:Put) that S3 sends to Lambda for a stored object,
 * with the key URL-encoded as S3 does (spaces as `+`, slashes kept).
 * @example await csvHandler(objectCreatedEvent("uploads", "orders.csv", s3.put("uploads", "orders.csv", text)), context)
 */
export const objectCreatedEvent = (
  bucket: string,
  key: string,
  stored: { readonly etag: string; readonly versionId?: string },
  eventTime = "1970-01-01T00:00:00.000Z",
): S3Event => ({
  Records: [
    {
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime,
      eventName: "ObjectCreated:Put",
      userIdentity: { principalId: "local" },
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      responseElements: { "x-amz-request-id": "local", "x-amz-id-2": "local" },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "local",
        bucket: {
          name: bucket,
          ownerIdentity: { principalId: "local" },
          arn: `arn:aws:s3:::${bucket}`,
        },
        object: {
          key: encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/"),
          size: 0,
          eTag: stored.etag.replace(/"/g, ""),
          sequencer: "0",
          ...(stored.versionId === undefined ? {} : { versionId: stored.versionId }),
        },
      },
    },
  ],
});
