import { readFile } from "node:fs/promises";
import path from "node:path";

// The reference page must work offline, so Scalar's browser bundle is served from our own
// origin instead of its CDN.
const bundlePath = path.join(
  process.cwd(),
  "node_modules/@scalar/api-reference/dist/browser/standalone.js",
);

export async function GET() {
  const script = await readFile(bundlePath);
  return new Response(script, {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "public, max-age=86400",
    },
  });
}
