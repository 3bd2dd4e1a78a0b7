"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { setFeeBearer } from "@/lib/organisations/fee-bearer";
import { removeProviderCredentials, saveProviderCredentials } from "@/lib/providers/credentials";
import { setRoute } from "@/lib/providers/routing";
import { successState } from "../../../_lib/action-state";
import { memberAction } from "../../../_lib/member-action";

const PAGE = "/dashboard/developers/providers";
const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** The credential fields each provider's form posts, as `credentials.<name>`. */
function prefixed(form: FormData, prefix: string): Record<string, string> {
  return Object.fromEntries(
    [...form.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), String(value)])
      .filter(([, value]) => value !== ""),
  );
}

export const saveCredentialsAction = memberAction("providers.manage", async (member, form) => {
  const settings = prefixed(form, "settings.");
  const products = prefixed(form, "products.");
  const saved = await saveProviderCredentials(db, member, {
    provider: text(form, "provider"),
    credentials: prefixed(form, "credentials."),
    settings: Object.keys(products).length > 0 ? { ...settings, products } : settings,
  });
  revalidatePath(PAGE);
  return successState(`Connected and checked (${saved.hint}). The secrets are stored encrypted.`);
});

export const removeCredentialsAction = memberAction("providers.manage", async (member, form) => {
  await removeProviderCredentials(db, member, text(form, "provider"));
  revalidatePath(PAGE);
  return successState("Disconnected.");
});

export const setRouteAction = memberAction("providers.manage", async (member, form) => {
  const providers = ["first", "second", "third"].map((k) => text(form, k)).filter(Boolean);
  await setRoute(db, member, { method: text(form, "method"), providers });
  revalidatePath(PAGE);
  return successState("Route saved.");
});

export const setFeeBearerAction = memberAction("providers.manage", async (member, form) => {
  const bearer = await setFeeBearer(db, member, text(form, "feeBearer"));
  revalidatePath(PAGE);
  return successState(
    bearer === "recipient"
      ? "Recipients now bear method fees; the claim page shows them before they confirm."
      : "The platform now bears method fees.",
  );
});
