import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import path from "node:path";

/** A port no one listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One app process or function worker, in a process group of its own so kill -9 takes all of it. */
export type Instance = {
  name: string;
  port: number;
  child: ChildProcess;
  alive(): boolean;
  /** kill -9, as a crashed host or an OOM kill would. */
  crash(): void;
  stop(): Promise<void>;
};

function instance(name: string, port: number, args: string[], env: NodeJS.ProcessEnv): Instance {
  const output: string[] = [];
  const child = spawn(process.execPath, args, {
    cwd: path.resolve("."),
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Kept for a failure's message; a busy process must never block on a full pipe.
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals) => {
    if (!alive() || !child.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // gone already
    }
  };
  return {
    name,
    port,
    child,
    alive,
    crash: () => signal("SIGKILL"),
    async stop() {
      if (!alive()) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      signal("SIGTERM");
      const killer = setTimeout(() => signal("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    },
    toString: () => `${name} on ${port}:\n${output.join("").slice(-4_000)}`,
  } as Instance;
}

/** `next start` of the production build, as each app instance behind a load balancer runs. */
export function appInstance(name: string, port: number, env: NodeJS.ProcessEnv): Instance {
  return instance(
    name,
    port,
    ["node_modules/next/dist/bin/next", "start", "--port", String(port)],
    { ...env, PORT: String(port), NODE_ENV: "production" },
  );
}

/** The function worker (scripts/worker.ts), as a fleet of them runs. */
export function workerInstance(name: string, port: number, env: NodeJS.ProcessEnv): Instance {
  return instance(name, port, ["--import", "tsx", "scripts/worker.ts"], {
    ...env,
    WORKER_PORT: String(port),
    NODE_ENV: "production",
  });
}

export async function untilHealthy(url: string, who: Instance, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!who.alive()) throw new Error(`${who} exited before it was healthy`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${who} was not healthy within ${timeoutMs / 1000} s`);
}

/**
 * A round-robin load balancer in front of several instances, as a user's would be: a
 * request goes to the next instance; one that refuses the connection (dead) is skipped.
 * A request an instance took and then dropped (killed mid-request) gets a 502, and the
 * client decides whether to send it again, as it would behind a real one. It appends the
 * peer to X-Forwarded-For, which the apps believe from loopback (TRUSTED_PROXIES).
 */
export async function loadBalancer(upstreams: { port: number }[]) {
  let next = 0;
  const counts = upstreams.map(() => 0);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const start = next++ % upstreams.length;
      const attempt = (tried: number) => {
        const index = (start + tried) % upstreams.length;
        const upstream = upstreams[index] as { port: number };
        const forwarded = [req.headers["x-forwarded-for"], req.socket.remoteAddress]
          .filter(Boolean)
          .join(", ");
        const proxied = http.request(
          {
            host: "127.0.0.1",
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, "x-forwarded-for": forwarded },
          },
          (answer) => {
            counts[index] = (counts[index] ?? 0) + 1;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            answer.on("error", () => res.destroy());
          },
        );
        proxied.on("error", (error: NodeJS.ErrnoException) => {
          if (error.code === "ECONNREFUSED" && tried + 1 < upstreams.length) attempt(tried + 1);
          else if (!res.headersSent) res.writeHead(502).end();
          else res.destroy();
        });
        proxied.end(body);
      };
      attempt(0);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    /** Requests each instance answered. */
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
