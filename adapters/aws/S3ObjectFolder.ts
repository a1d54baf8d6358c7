import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ObjectFolderOverS3 } from "../shared/ObjectFolderOverS3.js";
import { callService } from "../shared/serviceFailure.js";

/**
 * {@link ObjectFolderOverS3} on S3: each call is `client.send` of its command.
 * @example const folder = new S3ObjectFolder(createS3Client());
 */
export class S3ObjectFolder extends ObjectFolderOverS3 {
  constructor(client: S3Client) {
    super({
      getObject: (input) => callService(() => client.send(new GetObjectCommand(input))),
      listObjectsV2: (input) => callService(() => client.send(new ListObjectsV2Command(input))),
      deleteObject: (input) => callService(() => client.send(new DeleteObjectCommand(input))),
    });
  }
}
