import type { TestProject } from "vitest/node";
import { type EmulatorEndpoints, startEmulators } from "../../../bin/localEmulators.js";

declare module "vitest" {
  export interface ProvidedContext {
    emulators: EmulatorEndpoints;
  }
}

/** Starts DynamoDB Local and moto_server once for the whole run; stops them at the end. */
export default async function setup(project: TestProject) {
  const emulators = await startEmulators();
  process.stdout.write(
    `emulators up in ${emulators.startupMs} ms: ${JSON.stringify(emulators.endpoints)}\n`,
  );
  project.provide("emulators", emulators.endpoints);
  return async () => {
    await emulators.stop();
  };
}
