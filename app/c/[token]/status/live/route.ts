import { cookies } from "next/headers";
import { db } from "@/db/client";
import { claimProgress } from "@/lib/claims/claim-flow";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";

/** What the status page polls; only the verified recipient of this link gets an answer. */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  const progress = await claimProgress(db, { token, sessionToken });
  const headers = { "Cache-Control": "no-store" };
  if (!progress) return Response.json({ error: "not_found" }, { status: 404, headers });
  return Response.json({ status: progress.status }, { headers });
}
