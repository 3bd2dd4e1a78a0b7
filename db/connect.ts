import postgres from "postgres";

/**
 * A postgres.js client for a connection URL that may name a Unix socket directory the
 * libpq way (`postgres://user:pass@localhost:5432/db?host=/tmp`), which postgres.js
 * would otherwise send to the server as a setting. Every client of our own goes through
 * here, so one DATABASE_URL works for the app, the engine, the scripts and `psql`.
 * Server notices (e.g. "relation already exists, skipping") are not printed.
 */
export function connectPostgres<T extends Record<string, postgres.PostgresType>>(
  url: string,
  options: postgres.Options<T>,
) {
  const settings = { onnotice: () => {}, ...options };
  const parsed = new URL(url);
  const socketDirectory = parsed.searchParams.get("host");
  if (!socketDirectory?.startsWith("/")) return postgres(url, settings);
  parsed.searchParams.delete("host");
  return postgres(parsed.toString(), { ...settings, host: socketDirectory });
}
