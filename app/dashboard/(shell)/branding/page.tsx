import { eq } from "drizzle-orm";
import type { Metadata } from "next";
import { BrandingForm } from "@/components/dashboard/branding-form";
import { PageHeader } from "@/components/dashboard/page-header";
import { db } from "@/db/client";
import { organisations } from "@/db/schema";
import { requirePageMember } from "../../_lib/member";
import { updateBrandingAction } from "./actions";

export const metadata: Metadata = { title: "Branding" };

export default async function BrandingPage() {
  const member = await requirePageMember("branding.manage");
  const [org] = await db
    .select()
    .from(organisations)
    .where(eq(organisations.id, member.organisation.id));
  if (!org) throw new Error("organisation vanished");
  return (
    <>
      <PageHeader
        title="Branding"
        description="Recipients see your brand on the claim page and in emails, not ours."
      />
      <BrandingForm
        action={updateBrandingAction}
        organisationId={org.id}
        initial={{
          name: org.name,
          logoUrl: org.logoUrl,
          primaryColor: org.primaryColor,
          accentColor: org.accentColor,
          claimMessage: org.claimMessage ?? "",
          supportEmail: org.supportEmail ?? "",
        }}
      />
    </>
  );
}
