/**
 * Fault injection for the AWS adapters' contract runs, at the HTTP level: a proxy on 127.0.0.1
 * that forwards every request to an emulator (DynamoDB Local, moto_server) unless a rule says to
 * answer it with a service error or to rewrite it. The adapters keep their real SDK clients,
 * serializers and error parsing; nothing of the SDK is mocked. Rules see JSON-protocol calls
 * (DynamoDB, SQS, Glue: `X-Amz-Target`) by operation name, and REST calls (S3) by method.
 */
import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GlueClient } from "@aws-sdk/client-glue";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";

/**
 * One call through the proxy.
 * @example ({ operation: "BatchWriteItem", path: "/", body: { RequestItems: {} } })
 */
export interface ProxiedCall {
  /** `BatchWriteItem`, `SendMessageBatch`, `StartJobRun`… or the HTTP method of a REST call. */
  readonly operation: string;
  readonly path: string;
  /** The JSON request of a JSON-protocol call (undefined otherwise). */
  readonly body: unknown;
}

/**
 * What to do with a call.
 * @example ({ error: "ThrottlingException" })
 */
export type FaultAction =
  /** Answer with this service exception; the emulator never sees the call. */
  | {
      readonly error: string;
      readonly status?: number;
      readonly message?: string;
      /** More members of a JSON-protocol error body (e.g. `CancellationReasons`). */
      readonly details?: Readonly<Record<string, unknown>>;
    }
  /** Forward `forward` instead of the request, then answer `answer(emulator's JSON response)`. */
  | { readonly forward: unknown; readonly answer: (response: unknown) => unknown }
  /** Answer with this JSON response (HTTP 200); the emulator never sees the call. */
  | { readonly reply: unknown };

/**
 * Decides, call by call, whether to inject a fault (undefined: forward the call untouched).
 * @example const rule: FaultRule = ({ operation }) => (operation === "GET" ? { error: "SlowDown", status: 503 } : undefined);
 */
export type FaultRule = (call: ProxiedCall) => FaultAction | undefined;

/**
 * A running proxy.
 * @example proxy.rule = undefined; await proxy.close();
 */
export interface FaultProxy {
  readonly endpoint: string;
  /** Sets the rule applied from the next call on (undefined: no faults). */
  rule: FaultRule | undefined;
  /** How many calls of an operation went through the proxy (faulted or not). */
  readonly calls: (operation: string) => number;
  readonly close: () => Promise<void>;
}

const errorBody = (
  headers: IncomingHttpHeaders,
  name: string,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
) =>
  headers["x-amz-target"] === undefined
    ? {
        type: "application/xml",
        text: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${name}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`,
      }
    : {
        type: String(headers["content-type"] ?? "application/x-amz-json-1.0"),
        text: JSON.stringify({ __type: name, message, ...details }),
      };

/**
 * Starts a proxy in front of `target` (an emulator endpoint).
 * @example
 * const proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
 * proxy.rule = ({ operation }) => (operation === "BatchWriteItem" ? { error: "ThrottlingException" } : undefined);
 */
export const startFaultProxy = async (target: string): Promise<FaultProxy> => {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  const proxy: FaultProxy = {
    endpoint: "",
    rule: undefined,
    calls: (operation) => counts.get(operation) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const amzTarget = req.headers["x-amz-target"];
      const operation =
        typeof amzTarget === "string"
          ? amzTarget.slice(amzTarget.lastIndexOf(".") + 1)
          : req.method;
      counts.set(operation ?? "", (counts.get(operation ?? "") ?? 0) + 1);
      const body: unknown =
        typeof amzTarget === "string" ? JSON.parse(raw.toString("utf8")) : undefined;
      const action = proxy.rule?.({ operation: operation ?? "", path: req.url ?? "/", body });
      if (action !== undefined && "error" in action) {
        const answer = errorBody(
          req.headers,
          action.error,
          action.message ?? `injected ${action.error}`,
          action.details,
        );
        res.writeHead(action.status ?? 400, {
          "content-type": answer.type,
          "x-amzn-errortype": action.error,
          "x-amzn-requestid": "fault",
        });
        res.end(answer.text);
        return;
      }
      if (action !== undefined && "reply" in action) {
        const text = JSON.stringify(action.reply);
        res.writeHead(200, {
          "content-type": String(req.headers["content-type"] ?? "application/x-amz-json-1.0"),
          "content-length": String(Buffer.byteLength(text)),
          "x-amzn-requestid": "fault",
        });
        res.end(text);
        return;
      }
      const forwarded = action === undefined ? raw : Buffer.from(JSON.stringify(action.forward));
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, "content-length": String(forwarded.length) },
        },
        (reply) => {
          if (action === undefined) {
            res.writeHead(reply.statusCode ?? 502, reply.headers);
            reply.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          reply.on("data", (chunk: Buffer) => parts.push(chunk));
          reply.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            const answered = JSON.stringify(action.answer(text === "" ? {} : JSON.parse(text)));
            const {
              "x-amz-crc32": _crc,
              "content-length": _length,
              "transfer-encoding": _encoding,
              ...headers
            } = reply.headers;
            res.writeHead(reply.statusCode ?? 502, {
              ...headers,
              "content-length": String(Buffer.byteLength(answered)),
            });
            res.end(answered);
          });
        },
      );
      out.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      out.end(forwarded);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, { endpoint: `http://127.0.0.1:${port}` });
};

const common = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  // One attempt per call: the adapters' own retry loops are what the fault tests exercise.
  maxAttempts: 1,
} as const;

/**
 * SDK clients that talk to the emulators through a {@link FaultProxy}, without SDK retries.
 * @example const { dynamodb } = proxiedClients(proxy.endpoint);
 */
export const proxiedClients = (endpoint: string) => ({
  dynamodb: new DynamoDBClient({ ...common, endpoint }),
  sqs: new SQSClient({ ...common, endpoint }),
  s3: new S3Client({ ...common, endpoint, forcePathStyle: true }),
  glue: new GlueClient({ ...common, endpoint }),
});
