import { z } from "zod";

/** `1`/`true` or `0`/`false`, as environment variables spell a switch. */
export const flag = z.enum(["1", "0", "true", "false"]).transform((v) => v === "1" || v === "true");

/**
 * The connection's part of the environment. `lib/config.ts` spreads these into the
 * app's one configuration schema; the connection reads them here, below the domain.
 */
export const databaseConfigShape = {
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "a postgres:// or postgresql:// connection URL" })
    .optional(),
  /** Off only behind a connection pooler that cannot keep prepared statements. */
  DATABASE_PREPARE: flag.default(true),
};

const databaseConfigSchema = z.object(databaseConfigShape);

/** Read when the first query runs, after the launcher has set DATABASE_URL. */
export function databaseConfig(env: NodeJS.ProcessEnv = process.env) {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  return databaseConfigSchema.parse(cleaned);
}
