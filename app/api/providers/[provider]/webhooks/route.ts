import { db } from "@/db/client";
import { inngest, providerEventReceived } from "@/inngest/client";
import { readBodyText } from "@/lib/api/handler";
import { isAppError } from "@/lib/errors";
import { receiveProviderWebhook } from "@/lib/providers/webhooks";

/**
 * Where Stripe, PayPal and Tremendous send their webhooks (`?organisation=…&mode=…`
 * names whose credentials verify them). Not cookie-based and not under the API's keys:
 * the provider's signature is the only proof, so no origin check applies. The raw event
 * is recorded once and acknowledged at once; the background applies it.
 */
export async function POST(request: Request, context: { params: Promise<{ provider: string }> }) {
  const { provider } = await context.params;
  let rawBody: string;
  try {
    rawBody = await readBodyText(request);
  } catch (error) {
    const status = isAppError(error) ? error.status : 400;
    return Response.json({ error: "unreadable_body" }, { status });
  }
  const receipt = await receiveProviderWebhook(db, {
    provider,
    searchParams: new URL(request.url).searchParams,
    headers: request.headers,
    rawBody,
  });
  if (receipt.status === 200 && receipt.eventId) {
    // Lost nudges are picked up by the sweep; the provider must not retry for our sake.
    await inngest
      .send(
        providerEventReceived.create({
          organisation_id: receipt.scope.organisationId,
          mode: receipt.scope.mode,
          event_id: receipt.eventId,
        }),
      )
      .catch(() => undefined);
  }
  return Response.json(receipt.body, { status: receipt.status });
}
