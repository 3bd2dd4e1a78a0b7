import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

// Steps talk to PostgreSQL and SMTP; they need Node, never the edge runtime.
export const runtime = "nodejs";
// Each step may run up to a few minutes (a 1,000-payout chunk); well under Inngest's limit.
export const maxDuration = 300;

export const { GET, POST, PUT } = serve({ client: inngest, functions });
