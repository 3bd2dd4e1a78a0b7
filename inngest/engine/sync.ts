import type { FunctionRegistry } from "./apps";
import { canonicalJson, signatureHeader } from "./signing";

export type SyncOptions = {
  appUrl: string;
  signingKey?: string;
  registerInBand: (url: string, functions: unknown) => Promise<void>;
  registry: FunctionRegistry;
};

/**
 * Asks the app to sync (SDK spec 4.3). The engine prefers an in-band sync: a signed PUT
 * whose answer carries the functions, so the app need not know where the engine lives.
 * An app that refuses in-band syncs registers out-of-band by POSTing to its own
 * INNGEST_BASE_URL, which must then be this engine.
 */
export async function syncApp(options: SyncOptions): Promise<"in_band" | "out_of_band"> {
  const before = options.registry.lastRegisteredAt;
  const inBand = await put(options, true);
  if (inBand.ok && inBand.headers.get("x-inngest-sync-kind") === "in_band") {
    const body = (await inBand.json()) as { url?: string; functions?: unknown };
    await options.registerInBand(body.url ?? options.appUrl, body.functions);
    return "in_band";
  }
  const response = inBand.ok ? inBand : await put(options, false);
  if (!response.ok) {
    throw new Error(
      `The app answered the sync with ${response.status}: ${(await response.text()).slice(0, 500)}`,
    );
  }
  await response.body?.cancel();
  if (options.registry.lastRegisteredAt === before) {
    throw new Error(
      "The app synced with another Inngest server; point its INNGEST_BASE_URL at this engine",
    );
  }
  return "out_of_band";
}

async function put(options: SyncOptions, inBand: boolean): Promise<Response> {
  const body = canonicalJson({ url: options.appUrl });
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-inngest-server-kind": options.signingKey ? "cloud" : "dev",
  };
  if (inBand) headers["x-inngest-sync-kind"] = "in_band";
  if (options.signingKey)
    headers["x-inngest-signature"] = signatureHeader(body, options.signingKey, Date.now());
  return fetch(options.appUrl, {
    method: "PUT",
    headers,
    body,
    signal: AbortSignal.timeout(60_000),
  });
}
