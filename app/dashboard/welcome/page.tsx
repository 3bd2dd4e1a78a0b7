import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth } from "@/app/auth";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card } from "@/components/dashboard/page-header";
import { db } from "@/db/client";
import { listInvitationsForEmail } from "@/lib/auth/invitations";
import { listMemberships } from "@/lib/auth/organisations";
import { signedInUserId } from "../_lib/member";
import { acceptInvitationAction, createOrganisationAction } from "./actions";

export const metadata: Metadata = { title: "Welcome" };

export default async function WelcomePage() {
  const userId = await signedInUserId("/dashboard/welcome");
  const session = await auth();
  const email = session?.user?.email ?? "";
  if ((await listMemberships(db, userId)).length > 0) redirect("/dashboard");
  const invitations = email ? await listInvitationsForEmail(db, email) : [];
  return (
    <main className="mx-auto max-w-xl space-y-6 px-4 py-12">
      <div>
        <p className="text-2xl font-bold tracking-tight text-indigo-700">Disburse</p>
        <h1 className="mt-4 text-xl font-semibold text-slate-900">Welcome, {email}</h1>
        <p className="mt-1 text-sm text-slate-600">
          You are not in an organisation yet. Join the one that invited you, or start your own.
        </p>
      </div>
      {invitations.length > 0 ? (
        <Card title="Your invitations">
          <ul className="space-y-3">
            {invitations.map((inv) => (
              <li key={inv.id} className="flex items-center justify-between gap-3">
                <span className="text-sm">
                  <strong>{inv.organisation.name}</strong> as {inv.role}
                </span>
                <ActionForm action={acceptInvitationAction} organisationId={inv.organisation.id}>
                  <input type="hidden" name="invitationId" value={inv.id} />
                  <SubmitButton pendingLabel="Joining…">Join {inv.organisation.name}</SubmitButton>
                </ActionForm>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <Card title="Create an organisation">
        <ActionForm action={createOrganisationAction} organisationId="" className="space-y-4">
          <Field name="name" label="Organisation name" required autoComplete="organization" />
          <SubmitButton pendingLabel="Creating…">Create organisation</SubmitButton>
        </ActionForm>
        <p className="mt-3 text-xs text-slate-500">
          You will be its owner. It starts in test mode.
        </p>
      </Card>
    </main>
  );
}
