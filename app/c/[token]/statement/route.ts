import { cookies } from "next/headers";
import { db } from "@/db/client";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { claimStatement } from "@/lib/claims/statement";

/** The verified recipient's yearly statement from this payer, as CSV. */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const yearText = new URL(request.url).searchParams.get("year") ?? "";
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : new Date().getUTCFullYear();
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  const statement = await claimStatement(db, { token, sessionToken, year });
  if (!statement) {
    return new Response("Open the link from your email and verify to download your statement.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const name = `statement-${statement.organisation.replace(/[^\w-]+/g, "-").toLowerCase()}-${year}.csv`;
  return new Response(statement.stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
