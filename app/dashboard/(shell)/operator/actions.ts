"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/db/client";
import { inngest, sanctionsListLoaded } from "@/inngest/client";
import { decideKyb, isOperator } from "@/lib/compliance/kyb";
import { loadSanctionsList } from "@/lib/compliance/lists/load";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { successState } from "../../_lib/action-state";
import { memberAction } from "../../_lib/member-action";

/** Operators act for the platform: the member guard signs them in, the operator list decides. */
function operatorOf(member: { user: { id: string; email: string | null } }) {
  if (!isOperator(member.user.email)) {
    throw new AppError("forbidden", "Only platform operators (OPERATOR_EMAILS) may do this.");
  }
  return { id: member.user.id, email: member.user.email };
}

export const decideKybAction = memberAction("dashboard.view", async (member, form) => {
  const decision = form.get("decision") === "approved" ? "approved" : "rejected";
  await decideKyb(db, operatorOf(member), {
    organisationId: String(form.get("kybOrganisationId") ?? ""),
    decision,
    note: String(form.get("note") ?? ""),
  });
  revalidatePath("/dashboard/operator");
  return successState(
    decision === "approved" ? "Approved: live mode is open to them." : "Rejected.",
  );
});

const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export const uploadListAction = memberAction("dashboard.view", async (member, form) => {
  const operator = operatorOf(member);
  const files = form.getAll("files").filter((f): f is File => f instanceof File && f.size > 0);
  if (files.length === 0) throw new AppError("validation_failed", "Choose the list's file(s).");
  if (files.reduce((n, f) => n + f.size, 0) > MAX_UPLOAD_BYTES) {
    throw new AppError("payload_too_large", "Lists are limited to 64 MB per upload.");
  }
  const { version, unchanged } = await loadSanctionsList(db, {
    files: await Promise.all(
      files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
    ),
    loadedBy: `user:${operator.id}`,
    listName: String(form.get("listName") ?? "") || undefined,
    source: `upload: ${files.map((f) => f.name).join(", ")}`,
  });
  if (!unchanged) {
    // The sweep rescreens within ten minutes anyway; the event starts it now.
    await inngest
      .send(sanctionsListLoaded.create({ version_id: version.id }))
      .catch((error) => logError("could not request the rescreen", error));
  }
  revalidatePath("/dashboard/operator");
  return successState(
    unchanged
      ? `${version.listName} is unchanged; nothing loaded.`
      : `Loaded ${version.listName}: ${version.entryCount} entries, ${version.aliasCount} aliases. Open payouts are being rescreened.`,
  );
});
