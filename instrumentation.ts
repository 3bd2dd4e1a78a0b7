/** Runs once when a Next.js server starts, before it serves a request. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Per-IP limits need the real peer address, which Next.js does not hand to handlers.
    const { stampPeerAddress } = await import("@/lib/http/stamp-peer-address");
    stampPeerAddress();
  }
}
