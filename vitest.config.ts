import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/emulators/globalSetup.ts"],
    pool: "forks",
    reporters: ["default", "./test/support/emulators/summaryReporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
