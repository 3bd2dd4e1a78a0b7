import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { DeadEnd } from "@/components/claim/dead-end";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("claim.meta");
  return { title: { absolute: t("invalidTitle") } };
}

/**
 * Unknown, revoked and expired links all land here with a 404, unbranded: an outsider
 * holding a guessed or stale token learns nothing about whose link it was.
 */
export default async function ClaimLinkNotFound() {
  const t = await getTranslations("claim.invalid");
  return (
    <main id="main" className="mx-auto flex max-w-md flex-col gap-5 px-4 py-10">
      <DeadEnd heading={t("heading")} body={[t("body"), t("next")]} />
    </main>
  );
}
