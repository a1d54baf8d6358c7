/**
 * A recording HTTP proxy in front of an emulator (DynamoDB Local, moto_server): every call is
 * forwarded untouched and recorded with its service (from the SigV4 credential scope), region,
 * operation, request and response, so a test can list exactly which AWS calls an entry point made
 * when `AWS_ENDPOINT_URL_<SERVICE>` points at it. Unlike test/support/faultProxy.ts it never
 * alters a call; it buffers responses so the JSON ones can be read (shard iterators, error codes).
 */
import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * One call that went through the proxy.
 * @example ({ service: "sqs", region: "us-east-1", operation: "SendMessageBatch", method: "POST", path: "/", request: { QueueUrl: "…" }, status: 200, response: {} })
 */
export interface RecordedCall {
  /** The SigV4 signing name: `dynamodb` (tables and streams), `sqs`, `s3`, `glue`, `kinesis`. */
  readonly service: string;
  readonly region: string;
  /** `X-Amz-Target`'s operation for JSON protocols (`BatchWriteItem`); the HTTP method for REST (S3). */
  readonly operation: string;
  /** The `X-Amz-Target` prefix (`DynamoDBStreams_20120810`), empty for REST. */
  readonly target: string;
  readonly method: string;
  /** Path and query string, as sent. */
  readonly path: string;
  /** The JSON request body of a JSON-protocol call (undefined otherwise). */
  readonly request: unknown;
  readonly status: number;
  /** The JSON response body when there is one (undefined otherwise). */
  readonly response: unknown;
  /** The service's error code on a failed call (`x-amzn-errortype`, JSON `__type` or XML `<Code>`). */
  readonly errorCode?: string;
}

/**
 * A running recording proxy.
 * @example const proxy = await startRecordingProxy(emulatorEndpoints().moto); …; await proxy.close();
 */
export interface RecordingProxy {
  readonly endpoint: string;
  /** Every call so far, in the order the responses came back. */
  readonly calls: ReadonlyArray<RecordedCall>;
  /** Forgets the calls recorded so far. */
  readonly clear: () => void;
  readonly close: () => Promise<void>;
}

const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

const parseJson = (text: string): unknown => {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const errorCodeOf = (
  status: number,
  headers: IncomingHttpHeaders,
  text: string,
  json: unknown,
): string | undefined => {
  if (status < 300) return undefined;
  const header = headers["x-amzn-errortype"];
  const raw =
    (typeof header === "string" ? header : undefined) ??
    (typeof json === "object" && json !== null && "__type" in json
      ? String((json as { __type: unknown }).__type)
      : undefined) ??
    /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ??
    `HTTP ${status}`;
  // "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException:" → "ResourceNotFoundException"
  return raw.split(":")[0]?.split("#").pop() ?? raw;
};

/**
 * Starts a recording proxy on 127.0.0.1 in front of `target` (an emulator endpoint).
 * @example
 * const proxy = await startRecordingProxy(emulatorEndpoints().dynamodb);
 * process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.endpoint;
 */
export const startRecordingProxy = async (target: string): Promise<RecordingProxy> => {
  const upstream = new URL(target);
  let calls: RecordedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const amzTarget = req.headers["x-amz-target"];
      const [prefix, operation] =
        typeof amzTarget === "string"
          ? [
              amzTarget.slice(0, amzTarget.lastIndexOf(".")),
              amzTarget.slice(amzTarget.lastIndexOf(".") + 1),
            ]
          : ["", req.method ?? ""];
      const scope = CREDENTIAL_SCOPE.exec(String(req.headers.authorization ?? ""));
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (reply) => {
          const parts: Buffer[] = [];
          reply.on("data", (chunk: Buffer) => parts.push(chunk));
          reply.on("end", () => {
            const body = Buffer.concat(parts);
            const text = body.toString("utf8");
            const status = reply.statusCode ?? 502;
            const json = parseJson(text);
            const errorCode = errorCodeOf(status, reply.headers, text, json);
            calls.push({
              service: scope?.[2] ?? "unknown",
              region: scope?.[1] ?? "unknown",
              operation,
              target: prefix,
              method: req.method ?? "",
              path: req.url ?? "/",
              request: typeof amzTarget === "string" ? parseJson(raw.toString("utf8")) : undefined,
              status,
              response: json,
              ...(errorCode === undefined ? {} : { errorCode }),
            });
            const { "transfer-encoding": _encoding, ...headers } = reply.headers;
            res.writeHead(status, {
              ...headers,
              ...(req.method === "HEAD" ? {} : { "content-length": String(body.length) }),
            });
            res.end(body);
          });
        },
      );
      out.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      out.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get calls() {
      return calls;
    },
    clear: () => {
      calls = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
