import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, balanceThresholds, events, organisations } from "@/db/schema";
import { authenticateApiKey } from "@/lib/api-keys/keys";
import { createApiKeyAsMember, revokeApiKeyAsMember } from "@/lib/api-keys/member-actions";
import type { MemberContext } from "@/lib/auth/member-context";
import { isAppError } from "@/lib/errors";
import { getBalances } from "@/lib/ledger";
import { addTestFunds, setLowBalanceThreshold } from "@/lib/ledger/funding";
import { logoDataUrl, updateBranding } from "@/lib/organisations/branding";
import { brandingContrastWarnings } from "@/lib/organisations/branding-contrast";
import {
  createEndpointAsMember,
  deleteEndpointAsMember,
  revealEndpointSecret,
  rotateEndpointSecretAsMember,
  updateEndpointAsMember,
} from "@/lib/webhooks/member-actions";
import { organisationWithOwner, ownerContext } from "@/tests/dashboard/fixtures";
import { balancesWithThresholds } from "./overview";

process.env.AUTH_SECRET ??= "dashboard-test-secret-0123456789abcdef0123";

let mine: MemberContext;
let theirs: MemberContext;
beforeAll(async () => {
  const a = await organisationWithOwner(db, "Mine");
  const b = await organisationWithOwner(db, "Theirs");
  mine = await ownerContext(db, a.owner.id, a.org.id);
  theirs = await ownerContext(db, b.owner.id, b.org.id);
});

const actions = async (orgId: string, action: string) =>
  db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.organisationId, orgId), eq(auditLog.action, action)));

describe("API keys from the dashboard", () => {
  it("creates a key whose secret works once shown, and revokes it", async () => {
    const { apiKey, secret } = await createApiKeyAsMember(db, mine, { name: "Backend" });
    expect(secret).toMatch(/^sk_test_/);
    expect(await authenticateApiKey(db, secret)).toMatchObject({
      organisationId: mine.organisation.id,
      mode: "test",
    });
    const [created] = await actions(mine.organisation.id, "api_key.create");
    expect(JSON.stringify({ ...created, seq: null })).not.toContain(secret);
    await revokeApiKeyAsMember(db, mine, apiKey.id);
    await expect(authenticateApiKey(db, secret)).rejects.toThrow(/revoked/);
    expect(await actions(mine.organisation.id, "api_key.revoke")).toHaveLength(1);
  });

  it("cannot revoke another organisation's key", async () => {
    const { apiKey, secret } = await createApiKeyAsMember(db, theirs, { name: "Theirs" });
    const error = await revokeApiKeyAsMember(db, mine, apiKey.id).catch((e) => e);
    expect(isAppError(error, "not_found")).toBe(true);
    await expect(authenticateApiKey(db, secret)).resolves.toBeTruthy();
  });

  it("refuses a key without a name", async () => {
    const error = await createApiKeyAsMember(db, mine, { name: "  " }).catch((e) => e);
    expect(isAppError(error, "validation_failed")).toBe(true);
  });
});

describe("webhook endpoints from the dashboard", () => {
  it("creates with filters, reveals and rotates the secret, updates and deletes, all audited", async () => {
    const { endpoint, secret } = await createEndpointAsMember(db, mine, {
      url: "https://hooks.example.com/disburse",
      eventTypes: ["payout.paid", "payout.failed"],
    });
    expect(endpoint.eventTypes).toEqual(["payout.failed", "payout.paid"]);
    expect(await revealEndpointSecret(db, mine, endpoint.id)).toBe(secret);
    const rotated = await rotateEndpointSecretAsMember(db, mine, endpoint.id);
    expect(rotated).not.toBe(secret);
    expect(await revealEndpointSecret(db, mine, endpoint.id)).toBe(rotated);
    const updated = await updateEndpointAsMember(db, mine, endpoint.id, {
      eventTypes: ["payout.paid"],
      disabled: true,
    });
    expect(updated.disabledAt).not.toBeNull();
    const [update] = await actions(mine.organisation.id, "webhook_endpoint.update");
    expect(update?.before).toEqual({
      eventTypes: ["payout.failed", "payout.paid"],
      disabled: false,
    });
    expect(update?.after).toEqual({ eventTypes: ["payout.paid"], disabled: true });
    expect(await actions(mine.organisation.id, "webhook_endpoint.reveal_secret")).toHaveLength(2);
    await deleteEndpointAsMember(db, mine, endpoint.id);
    expect(await actions(mine.organisation.id, "webhook_endpoint.delete")).toHaveLength(1);
  });

  it("refuses a bad URL or event type, and another organisation's endpoint", async () => {
    const bad = await createEndpointAsMember(db, mine, {
      url: "ftp://x",
      eventTypes: ["nope"],
    }).catch((e) => e);
    expect(isAppError(bad, "validation_failed")).toBe(true);
    expect(bad.fieldErrors.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(["url"]),
    );
    const { endpoint } = await createEndpointAsMember(db, theirs, {
      url: "https://theirs.example.com/h",
      eventTypes: [],
    });
    for (const attempt of [
      () => revealEndpointSecret(db, mine, endpoint.id),
      () => rotateEndpointSecretAsMember(db, mine, endpoint.id),
      () => updateEndpointAsMember(db, mine, endpoint.id, { disabled: true }),
      () => deleteEndpointAsMember(db, mine, endpoint.id),
    ]) {
      expect(isAppError(await attempt().catch((e) => e), "not_found")).toBe(true);
    }
  });
});

describe("funding", () => {
  it("deposits test money once per form submission and announces it", async () => {
    const requestId = "form-0123456789abcdef";
    await addTestFunds(db, mine, { currency: "EUR", amount: "1,250.50", requestId });
    const again = await addTestFunds(db, mine, { currency: "EUR", amount: "1,250.50", requestId });
    expect(again.replayed).toBe(true);
    const eur = (await getBalances(db, mine.scope)).find((b) => b.currency === "EUR");
    expect(eur?.available).toBe(125_050n);
    const funded = await db
      .select()
      .from(events)
      .where(
        and(eq(events.organisationId, mine.organisation.id), eq(events.type, "balance.funded")),
      );
    expect(funded).toHaveLength(1);
    expect(funded[0]?.data).toMatchObject({ currency: "EUR", amount: 125_050, available: 125_050 });
  });

  it("refuses deposits in live mode and bad amounts", async () => {
    const live = {
      ...mine,
      mode: "live" as const,
      scope: { ...mine.scope, mode: "live" as const },
    };
    const error = await addTestFunds(db, live, {
      currency: "USD",
      amount: "10",
      requestId: "form-live-0123456789",
    }).catch((e) => e);
    expect(isAppError(error, "forbidden")).toBe(true);
    const bad = await addTestFunds(db, mine, {
      currency: "USD",
      amount: "-3",
      requestId: "form-bad-0123456789ab",
    }).catch((e) => e);
    expect(bad.fieldErrors[0].path).toBe("amount");
  });

  it("flags a balance below its threshold as low, and clears the threshold", async () => {
    await setLowBalanceThreshold(db, mine, { currency: "EUR", amount: "5000" });
    let eur = (await balancesWithThresholds(db, mine.scope)).find((b) => b.currency === "EUR");
    expect(eur).toMatchObject({ threshold: 500_000n, low: true });
    await setLowBalanceThreshold(db, mine, { currency: "EUR", amount: "" });
    eur = (await balancesWithThresholds(db, mine.scope)).find((b) => b.currency === "EUR");
    expect(eur).toMatchObject({ threshold: null, low: false });
    const rows = await db
      .select()
      .from(balanceThresholds)
      .where(eq(balanceThresholds.organisationId, mine.organisation.id));
    expect(rows).toHaveLength(0);
    expect(await actions(mine.organisation.id, "funding.low_balance_threshold")).toHaveLength(2);
  });
});

describe("branding", () => {
  it("saves colours, message, support email and logo, auditing what changed", async () => {
    const logo = logoDataUrl({
      type: "image/png",
      size: 4,
      bytes: new Uint8Array([137, 80, 78, 71]),
    });
    await updateBranding(
      db,
      mine,
      {
        name: "Mine",
        primaryColor: "#B4234D",
        accentColor: "#1f2937",
        claimMessage: " Thanks! ",
        supportEmail: "help@mine.test",
      },
      { set: logo },
    );
    const [org] = await db
      .select()
      .from(organisations)
      .where(eq(organisations.id, mine.organisation.id));
    expect(org).toMatchObject({
      primaryColor: "#b4234d",
      claimMessage: "Thanks!",
      supportEmail: "help@mine.test",
      logoUrl: logo,
    });
    const [entry] = await actions(mine.organisation.id, "branding.update");
    expect(entry?.after).toMatchObject({ primaryColor: "#b4234d", supportEmail: "help@mine.test" });
    expect(entry?.after).not.toHaveProperty("name");
  });

  it("refuses an unsafe colour, a bad email and an oversized or foreign logo", async () => {
    const error = await updateBranding(
      db,
      mine,
      {
        name: "Mine",
        primaryColor: "red;}",
        accentColor: "#000000",
        claimMessage: "",
        supportEmail: "nope",
      },
      null,
    ).catch((e) => e);
    expect(error.fieldErrors.map((f: { path: string }) => f.path).sort()).toEqual([
      "primaryColor",
      "supportEmail",
    ]);
    expect(() => logoDataUrl({ type: "text/html", size: 10, bytes: new Uint8Array(10) })).toThrow(
      /PNG/,
    );
    expect(() =>
      logoDataUrl({ type: "image/png", size: 300_000, bytes: new Uint8Array(1) }),
    ).toThrow(/200 KB/);
  });

  it("warns about colours that fail WCAG contrast", () => {
    expect(brandingContrastWarnings({ primaryColor: "#4338ca", accentColor: "#0f172a" })).toEqual(
      [],
    );
    const warnings = brandingContrastWarnings({ primaryColor: "#ffff66", accentColor: "#cccccc" });
    expect(warnings).toHaveLength(2);
    expect(warnings.join(" ")).toMatch(/4\.5:1/);
  });
});
