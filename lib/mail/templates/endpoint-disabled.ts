import { type RenderedEmail, renderEmail } from "./layout";

export type EndpointDisabledEmailInput = {
  organisationName: string;
  endpointUrl: string;
  mode: "test" | "live";
  failingSince: Date;
  lastError: string | null;
  dashboardUrl: string;
};

/** Tells an organisation's admins that we stopped sending to one of their webhook endpoints. */
export function endpointDisabledEmail(input: EndpointDisabledEmailInput): RenderedEmail {
  return renderEmail(
    { name: "Disburse" },
    `Webhook endpoint disabled for ${input.organisationName}`,
    [
      {
        kind: "paragraph",
        text: `Every delivery to your ${input.mode}-mode webhook endpoint ${input.endpointUrl} has failed since ${input.failingSince.toISOString()}, so we have disabled it. Events are still recorded, and nothing is delivered to it until you enable it again.`,
      },
      ...(input.lastError
        ? [{ kind: "quote" as const, text: `Last error: ${input.lastError}` }]
        : []),
      {
        kind: "paragraph",
        text: "Fix the endpoint, enable it, then replay the events you missed from the dashboard or the API.",
      },
      { kind: "button", label: "Open webhook settings", url: input.dashboardUrl },
    ],
  );
}
