import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type ReceivedWebhook = {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Whether `standardwebhooks` accepted the signature with the path's registered secret. */
  verified: boolean;
  verifyError: string | null;
};

type Answer = { status: number; headers?: Record<string, string>; body?: string; hangMs?: number };

/**
 * A real HTTP receiver for webhook tests. Every request is verified with the
 * `standardwebhooks` library against the secret registered for its path, as a
 * customer's server would; `answer` decides the response per path (default 200).
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, string>();
  const answers = new Map<string, (n: number) => Answer>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(",") : (v ?? ""),
        ]),
      );
      let verified = false;
      let verifyError: string | null = null;
      try {
        new Webhook(secrets.get(path) ?? "whsec_AAAA").verify(body, headers);
        verified = true;
      } catch (error) {
        verifyError = (error as Error).message;
      }
      received.push({ path, headers, body, verified, verifyError });
      const count = received.filter((r) => r.path === path).length;
      const answer = answers.get(path)?.(count) ?? { status: 200 };
      const reply = () => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body ?? "ok");
      };
      if (answer.hangMs) setTimeout(reply, answer.hangMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    received,
    url: (path: string) => `${base}${path}`,
    /** The secret deliveries to `path` must be signed with. */
    register(path: string, secret: string) {
      secrets.set(path, secret);
    },
    /** How `path` answers its n-th request (1-based). */
    answer(path: string, fn: (n: number) => Answer) {
      answers.set(path, fn);
    },
    on: (path: string) => received.filter((r) => r.path === path),
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
