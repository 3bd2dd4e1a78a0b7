import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { sendHelpRequestNotice } from "@/lib/claims/help-requests";

/** A recipient asked for a new link or another way to be paid: the organisation is emailed. */
export const notifyHelpRequested = inngest.createFunction(
  {
    id: "notify-help-requested",
    name: "Tell the organisation a recipient asked for help",
    triggers: [{ event: domainEvents["recipient.help_requested"] }],
  },
  async ({ event, step }) =>
    step.run("send-help-request-notice", () =>
      sendHelpRequestNotice(db, scopeOf(event.data), event.data),
    ),
);
