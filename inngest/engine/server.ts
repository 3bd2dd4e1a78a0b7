import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { type FunctionRegistry, SyncError } from "./apps";
import { ulid } from "./ids";
import { type EngineEvent, ingestEvents } from "./ingest";
import { eventsProblem } from "./limits";
import { bearerMatches, keyMatches } from "./signing";
import type { Sql } from "./store";

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const ANALYZE_AFTER_RUNS = 500;

const eventSchema = z.object({
  id: z.string().min(1).optional(),
  name: z.string().min(1, "every event needs a name"),
  data: z.record(z.string(), z.unknown()).nullish(),
  user: z.record(z.string(), z.unknown()).nullish(),
  ts: z.number().int().positive().optional(),
  v: z.string().optional(),
});

const registerSchema = z.looseObject({ url: z.url(), functions: z.array(z.unknown()) });

const RUN_STATUSES = ["running", "completed", "failed", "cancelled"] as const;

export type ServerOptions = {
  sql: Sql;
  registry: FunctionRegistry;
  clock: () => number;
  signingKey?: string;
  /** The event key senders must use in `POST /e/{key}` (INNGEST_EVENT_KEY). */
  eventKey: string;
  log: (line: string) => void;
  /** Called after events started runs, so they are picked up without waiting for a poll. */
  /** Runs were started, or a batch opened that falls due at `batchDue`. */
  onWork: (batchDue: number | null) => void;
  /** Called after an out-of-band sync changed the functions. */
  onSync: () => void;
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<{ body: unknown; bytes: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "Body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return { body: JSON.parse(Buffer.concat(chunks).toString("utf8")), bytes: size };
  } catch {
    throw new HttpError(400, "Body is not valid JSON");
  }
}

/** `POST /e/{key}` (the event API the SDK sends to): one event or an array of them. */
async function receiveEvents(
  options: ServerOptions,
  { body, bytes }: { body: unknown; bytes: number },
) {
  const parsed = z.array(eventSchema).safeParse(Array.isArray(body) ? body : [body]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `Invalid event at ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const tooLarge = eventsProblem(parsed.data, bytes);
  if (tooLarge) throw new HttpError(400, tooLarge);
  const now = options.clock();
  const events: EngineEvent[] = parsed.data.map((event) => ({
    id: event.id ?? ulid(now),
    name: event.name,
    data: event.data ?? {},
    ts: event.ts ?? now,
    ...(event.user ? { user: event.user } : {}),
    ...(event.v ? { v: event.v } : {}),
  }));
  const { runIds, batchDue } = await options.sql.begin((tx) =>
    ingestEvents(tx, options.registry, events, now),
  );
  if (runIds.length > 0 || batchDue !== null) options.onWork(batchDue);
  if (runIds.length >= ANALYZE_AFTER_RUNS) {
    // Fresh statistics keep the claim query on its index after a large fan-out; with
    // stale ones it filters and sorts every ready run on each claim.
    options.sql`analyze inngest_engine.runs`.catch(() => {});
  }
  return { ids: events.map((event) => event.id), status: 200 };
}

async function listRuns(options: ServerOptions, url: URL) {
  const status = url.searchParams.get("status");
  if (status && !(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new HttpError(400, `status must be one of ${RUN_STATUSES.join(", ")}`);
  }
  const functionId = url.searchParams.get("function_id");
  const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 50) || 50, 1), 500);
  const runs = await options.sql`
    select id, function_id, status, event->>'name' as event_name, pending, next_at, error,
      created_at, ended_at, jsonb_array_length(stack) as steps_done
    from inngest_engine.runs
    where (${status}::text is null or status = ${status})
      and (${functionId}::text is null or function_id = ${functionId})
    order by created_at desc, id desc
    limit ${limit}`;
  return { runs };
}

async function getRun(options: ServerOptions, id: string) {
  const [run] = await options.sql`select * from inngest_engine.runs where id = ${id}`;
  if (!run) throw new HttpError(404, "No such run");
  delete run.lease_token;
  return run;
}

async function route(options: ServerOptions, req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? "/", "http://engine.local");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (req.method === "GET" && path === "/health") {
    return send(res, 200, { status: "ok", functions: options.registry.size });
  }
  const eventKey = /^\/e\/([^/]+)$/.exec(path)?.[1];
  if (req.method === "POST" && eventKey !== undefined) {
    // Anyone able to reach loopback (a webhook URL in test mode, say) must not be able to
    // start functions: only a sender holding the engine's event key may.
    if (!keyMatches(decodeURIComponent(eventKey), options.eventKey)) {
      throw new HttpError(401, "Invalid event key");
    }
    return send(res, 200, await receiveEvents(options, await readJson(req)));
  }
  if (req.method === "POST" && path === "/fn/register") {
    // An out-of-band sync carries the hashed signing key (SDK spec 4.1.4): anyone able to
    // reach loopback must not be able to swap the functions the engine calls.
    if (options.signingKey && !bearerMatches(req.headers.authorization, options.signingKey)) {
      throw new HttpError(401, "Invalid signing key");
    }
    const parsed = registerSchema.safeParse((await readJson(req)).body);
    if (!parsed.success)
      throw new HttpError(400, `Invalid sync: ${parsed.error.issues[0]?.message}`);
    const { ignored } = await options.registry.register(
      options.sql,
      parsed.data.url,
      parsed.data.functions,
      options.clock(),
    );
    options.log(`synced ${parsed.data.functions.length} functions from ${parsed.data.url}`);
    if (ignored.length > 0) options.log(`options the local engine ignores: ${ignored.join(", ")}`);
    options.onSync();
    return send(res, 200, { ok: true, modified: true });
  }
  if (req.method === "GET" && path === "/runs") return send(res, 200, await listRuns(options, url));
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (req.method === "GET" && run) return send(res, 200, await getRun(options, run[1] as string));
  throw new HttpError(404, "Not found");
}

async function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE" && port !== 0) resolve(listen(server, 0));
      else reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, "127.0.0.1");
  });
}

/** The engine's HTTP API, on loopback only; a taken port falls back to a free one. */
export async function startServer(options: ServerOptions, port: number) {
  const server = http.createServer((req, res) => {
    route(options, req, res).catch((error: unknown) => {
      if (error instanceof HttpError)
        return send(res, error.status, { error: error.message, status: error.status });
      if (error instanceof SyncError) return send(res, 400, { error: error.message, status: 400 });
      options.log(`http ${req.method} ${req.url}: ${(error as Error).message}`);
      send(res, 500, { error: "Internal error", status: 500 });
    });
  });
  server.keepAliveTimeout = 5_000;
  const bound = await listen(server, port);
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
