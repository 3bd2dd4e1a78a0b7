import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { sendPayoutReceipt } from "@/lib/claims/receipt";

/** The recipient's receipt, in the language they claimed in, once per paid attempt. */
export const sendReceipt = inngest.createFunction(
  {
    id: "send-receipt",
    name: "Email the recipient a receipt",
    triggers: [{ event: domainEvents["payout.paid"] }],
  },
  async ({ event, step }) =>
    step.run("send-receipt", () =>
      sendPayoutReceipt(db, scopeOf(event.data), event.data.object.id),
    ),
);
