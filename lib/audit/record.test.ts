import { describe, expect, it } from "vitest";
import { db, sql } from "@/db/client";
import { organisationWithOwner } from "@/tests/dashboard/fixtures";
import { listAuditActions, listAuditEntries } from "./queries";
import { changedFields, recordAudit } from "./record";

describe("the audit log", () => {
  it("records who did what to which target, with bigints kept exact", async () => {
    const { org, owner } = await organisationWithOwner(db);
    const entry = await recordAudit(db, {
      organisationId: org.id,
      mode: "live",
      actor: { id: owner.id, label: owner.email },
      action: "funding.threshold_set",
      target: { type: "balance_threshold", id: "USD" },
      before: { amount: null },
      after: { amount: 12_345_678_901_234_567n },
    });
    expect(entry.id).toMatch(/^aud_/);
    expect(entry.after).toEqual({ amount: "12345678901234567" });
  });

  it("refuses to change or delete an entry, whoever asks", async () => {
    const { org } = await organisationWithOwner(db);
    await expect(
      sql().unsafe("update audit_log set action = 'forged' where organisation_id = $1", [org.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql().unsafe("delete from audit_log where organisation_id = $1", [org.id]),
    ).rejects.toThrow(/append-only/);
    await expect(sql().unsafe("truncate audit_log")).rejects.toThrow(/append-only/);
  });

  it("filters by mode, action family, actor and target, newest first, within one organisation", async () => {
    const { org, owner } = await organisationWithOwner(db, "Mine");
    const other = await organisationWithOwner(db, "Theirs");
    const base = { organisationId: org.id, actor: { id: owner.id } } as const;
    await recordAudit(db, {
      ...base,
      mode: "test",
      action: "payout.cancel",
      target: { type: "payout", id: "po_1" },
    });
    await recordAudit(db, {
      ...base,
      mode: "test",
      action: "payout.resend",
      target: { type: "payout", id: "po_2" },
    });
    await recordAudit(db, {
      ...base,
      mode: "live",
      action: "api_key.create",
      target: { type: "api_key", id: "key_1" },
    });
    await recordAudit(db, {
      organisationId: other.org.id,
      actor: { id: other.owner.id },
      mode: "test",
      action: "payout.cancel",
      target: { type: "payout", id: "po_9" },
    });

    const payouts = await listAuditEntries(db, org.id, { action: "payout.", limit: 10 });
    expect(payouts.data.map((e) => e.targetId)).toEqual(["po_2", "po_1"]);
    const live = await listAuditEntries(db, org.id, { mode: "live", limit: 10 });
    expect(live.data.map((e) => e.action)).toEqual(["api_key.create"]);
    const byTarget = await listAuditEntries(db, org.id, { targetId: "po_1", limit: 10 });
    expect(byTarget.data).toHaveLength(1);
    const paged = await listAuditEntries(db, org.id, { limit: 2 });
    expect(paged.hasMore).toBe(true);
    const next = await listAuditEntries(db, org.id, {
      limit: 2,
      startingAfter: paged.data[1]?.seq,
    });
    expect(next.data.map((e) => e.action)).toEqual(["payout.cancel", "organisation.create"]);
    expect(await listAuditActions(db, org.id)).toEqual([
      "api_key.create",
      "organisation.create",
      "payout.cancel",
      "payout.resend",
    ]);
  });

  it("keeps only the fields an edit changed", () => {
    type Branding = { name: string; primaryColor: string; supportEmail: string | null };
    expect(
      changedFields<Branding>(
        { name: "Acme", primaryColor: "#000000", supportEmail: null },
        { name: "Acme", primaryColor: "#112233", supportEmail: "help@acme.test" },
      ),
    ).toEqual({
      before: { primaryColor: "#000000", supportEmail: null },
      after: { primaryColor: "#112233", supportEmail: "help@acme.test" },
    });
  });
});
