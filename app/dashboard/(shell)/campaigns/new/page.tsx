import type { Metadata } from "next";
import { CampaignBuilder } from "@/components/dashboard/campaign-builder";
import { PageHeader } from "@/components/dashboard/page-header";
import { methodCatalog } from "@/lib/methods/catalog";
import { currencies } from "@/lib/money";
import { requirePageMember } from "../../../_lib/member";

export const metadata: Metadata = { title: "New campaign" };

export default async function NewCampaignPage() {
  const member = await requirePageMember("campaigns.create");
  return (
    <>
      <PageHeader
        title="New campaign"
        description="Every row is checked before anything is created; the whole total is reserved at once or not at all."
      />
      <CampaignBuilder
        organisationId={member.organisation.id}
        currencies={[...currencies]}
        methods={methodCatalog.map((m) => ({ id: m.id, name: m.name }))}
      />
    </>
  );
}
