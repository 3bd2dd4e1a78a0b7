import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { appUrl } from "@/lib/config";

/**
 * `tsx scripts/write-openapi.ts <file>`: writes the OpenAPI document exactly as
 * `GET /api/v1/openapi.json` serves it (servers from APP_URL), for the linter
 * (`npm run lint:openapi`) and the SDK's type generation (`npm run sdk:generate`).
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: tsx scripts/write-openapi.ts <file>");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(buildOpenApiDocument(appUrl()), null, 2)}\n`);
  process.stdout.write(`✓ OpenAPI document written to ${file}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
