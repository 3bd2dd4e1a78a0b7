import { db } from "@/db/client";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth(db);
  return Response.json(health, {
    status: health.database.reachable ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
