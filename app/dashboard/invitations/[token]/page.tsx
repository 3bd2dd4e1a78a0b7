import type { Metadata } from "next";
import { auth } from "@/app/auth";
import { ActionForm, SubmitButton } from "@/components/dashboard/action-form";
import { db } from "@/db/client";
import { findOpenInvitation } from "@/lib/auth/invitations";
import { signedInUserId } from "../../_lib/member";
import { acceptInvitationAction } from "../../welcome/actions";

export const metadata: Metadata = { title: "Invitation" };

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  await signedInUserId(`/dashboard/invitations/${token}`);
  const session = await auth();
  const email = session?.user?.email?.toLowerCase() ?? "";
  const invitation = await findOpenInvitation(db, token);
  return (
    <main className="mx-auto max-w-md px-4 py-16">
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        {!invitation ? (
          <>
            <h1 className="text-lg font-semibold">This invitation is not valid any more</h1>
            <p className="mt-2 text-sm text-slate-600">
              It was used, revoked or has expired. Ask the person who invited you for a new one.
            </p>
          </>
        ) : invitation.email !== email ? (
          <>
            <h1 className="text-lg font-semibold">This invitation is for {invitation.email}</h1>
            <p className="mt-2 text-sm text-slate-600">
              You are signed in as {email}. Sign out and sign in with {invitation.email} to accept
              it.
            </p>
          </>
        ) : (
          <>
            <h1 className="text-lg font-semibold">Join {invitation.organisation.name}</h1>
            <p className="mt-2 text-sm text-slate-600">
              You were invited as <strong>{invitation.role}</strong>.
            </p>
            <ActionForm
              action={acceptInvitationAction}
              organisationId={invitation.organisation.id}
              className="mt-4"
            >
              <input type="hidden" name="token" value={token} />
              <SubmitButton pendingLabel="Joining…">Accept and open the dashboard</SubmitButton>
            </ActionForm>
          </>
        )}
      </div>
    </main>
  );
}
