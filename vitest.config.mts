import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": import.meta.dirname } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", ".data/**"],
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/setup-database.ts"],
    pool: "forks",
    // Two files at a time even on two cores (Vitest's default is one fewer than the
    // cores): each file has its own database, and the limits test alone takes most of
    // eight minutes, so the other files run beside it instead of after it (13.4 → 8.8
    // minutes for the whole suite on this machine).
    maxWorkers: 2,
    testTimeout: 30_000,
    // next-auth imports "next/server" without an extension, which Node's ESM loader cannot
    // resolve; bundled through Vite, tests can drive the real Auth.js route handlers.
    server: { deps: { inline: ["next-auth"] } },
    hookTimeout: 60_000,
  },
});
