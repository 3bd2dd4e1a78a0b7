import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { until } from "@/tests/fixtures/inngest-app";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the launcher's children when the launcher is killed", { timeout: 60_000 }, () => {
  it("stops the function worker and Next.js when the launcher dies by SIGKILL", async () => {
    const launcher = spawn(
      process.execPath,
      ["--import", "tsx", "tests/fixtures/children-launcher.ts"],
      {
        env: { ...process.env, AUTH_SECRET: "tied-child-secret-tied-child-secret-tied-01" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const children = await new Promise<{ worker: number; next: number }>((resolve, reject) => {
      let stdout = "";
      launcher.stdout?.on("data", (chunk) => {
        stdout += chunk;
        if (stdout.includes("\n")) resolve(JSON.parse(stdout.slice(0, stdout.indexOf("\n"))));
      });
      launcher.once("exit", (code) => reject(new Error(`launcher exited (${code})`)));
    });
    expect(alive(children.worker) && alive(children.next)).toBe(true);

    launcher.kill("SIGKILL");

    await until(() => !alive(children.worker), "the worker to exit", 20_000);
    await until(() => !alive(children.next), "Next.js to exit", 20_000);
  });
});
