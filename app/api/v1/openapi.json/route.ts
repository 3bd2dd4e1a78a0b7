import { buildOpenApiDocument } from "@/lib/api/openapi";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { appUrl } from "@/lib/config";

let document: string | undefined;

/** Public: the document describes the API, it reveals nothing about any organisation. */
export async function GET() {
  document ??= JSON.stringify(buildOpenApiDocument(appUrl()));
  return new Response(document, {
    headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" },
  });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("GET");
