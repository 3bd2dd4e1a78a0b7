import type { NextRequest } from "next/server";
import { handlers } from "@/app/auth";
import { signInRefusal } from "@/lib/http/same-origin";

export const { GET } = handlers;

/**
 * Auth.js's POSTs (sign in, sign out) start from our pages only. Callbacks are left to
 * Auth.js: an identity provider may post them back from its own origin, and they carry
 * the provider's signed state rather than the user's cookies alone.
 */
export async function POST(request: NextRequest) {
  const callback = request.nextUrl.pathname.startsWith("/api/auth/callback/");
  const refusal = callback ? null : signInRefusal(request.headers);
  if (refusal)
    return Response.json({ error: { code: "forbidden", message: refusal } }, { status: 403 });
  return handlers.POST(request);
}
