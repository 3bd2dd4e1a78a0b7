import { readFile } from "node:fs/promises";
import path from "node:path";

let readme: string | undefined;

/**
 * The TypeScript SDK's README (sdk/README.md), linked from the API reference: how to
 * install it and the most common calls. Public, like the reference itself.
 */
export async function GET() {
  readme ??= await readFile(path.join(process.cwd(), "sdk", "README.md"), "utf8");
  return new Response(readme, {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    },
  });
}
