import { sendEmail } from "@/lib/mail";
import { formatDate, renderEmail } from "@/lib/mail/templates/layout";
import type { InvitationRow } from "./invitations";
import { roleDescriptions } from "./permissions";

/** Tells the invited person who invited them, to which organisation, with which role. */
export async function sendInvitationEmail(params: {
  invitation: InvitationRow;
  url: string;
  organisationName: string;
  invitedBy: string | null;
}) {
  const { invitation } = params;
  const who = params.invitedBy ?? "A teammate";
  const rendered = renderEmail(
    { name: "Disburse", primaryColor: "#4f46e5" },
    `Join ${params.organisationName} on Disburse`,
    [
      { kind: "paragraph", text: "Hi," },
      {
        kind: "paragraph",
        text: `${who} invited you to ${params.organisationName} on Disburse as ${invitation.role} (${roleDescriptions[invitation.role].toLowerCase()}).`,
      },
      { kind: "button", label: "Accept the invitation", url: params.url },
      {
        kind: "small",
        text: `Sign in with ${invitation.email} to accept. The invitation expires on ${formatDate(invitation.expiresAt)}.`,
      },
    ],
  );
  await sendEmail({
    idempotencyKey: `invitation:${invitation.id}`,
    to: invitation.email,
    kind: "invitation",
    organisationId: invitation.organisationId,
    subjectRef: invitation.id,
    ...rendered,
  });
}
