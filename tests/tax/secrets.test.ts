import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as eventsRoute from "@/app/api/v1/events/route";
import * as payoutsRoute from "@/app/api/v1/payouts/route";
import * as reportRoute from "@/app/api/v1/reports/[id]/route";
import * as reportsRoute from "@/app/api/v1/reports/route";
import * as downloadRoute from "@/app/files/reports/[id]/[file]/route";
import { db } from "@/db/client";
import { organisationTaxSettings } from "@/db/schema";
import { confirmClaim } from "@/lib/claims/claim-flow";
import { submitClaimTaxForm } from "@/lib/claims/claim-tax";
import { createClaimSession } from "@/lib/claims/session";
import { relayPendingEvents } from "@/lib/events/relay";
import { eventTypes } from "@/lib/events/types";
import { applyPayoutEvent } from "@/lib/payouts/machine";
import { generateReport } from "@/lib/reports/generate";
import { attemptDelivery, claimDueDeliveries } from "@/lib/webhooks/delivery";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { claimablePayout, setTestTaxKeys } from "@/tests/fixtures/tax";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";

setTestTaxKeys();

/** The TIN in every spelling it could leak in. */
const TIN = ["123-45-6789", "123456789", "123 45 6789"];
const FOREIGN_TIN = ["DE 98765432109", "DE98765432109"];
const leaks = (text: string) => [...TIN, ...FOREIGN_TIN].filter((t) => text.includes(t));

let org: TestOrganisation;
let receiver: WebhookReceiver;
const logged: string[] = [];

beforeAll(async () => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(
        args
          .map((a) =>
            typeof a === "string"
              ? a
              : JSON.stringify(a, (_, v) => (typeof v === "bigint" ? String(v) : v)),
          )
          .join(" "),
      );
    });
  }
  org = await createTestOrganisation(db, "Secret Keepers");
  receiver = await startWebhookReceiver();
  const endpoint = await createWebhookEndpoint(
    db,
    { organisationId: org.organisation.id, mode: "test" },
    { url: receiver.url("/hooks"), event_types: eventTypes },
  );
  receiver.register("/hooks", endpoint.secret);
  await db
    .insert(organisationTaxSettings)
    .values({ organisationId: org.organisation.id, apiTaxReports: true });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await receiver.close();
});

describe("a TIN", () => {
  it("leaves its seal only in the tax export: not in the database, events, webhooks, API answers or logs", async () => {
    const scope = { organisationId: org.organisation.id, mode: "test" as const };
    const ach = {
      accountHolderName: "Maya Chen",
      routingNumber: "011000015",
      accountNumber: "123456",
      accountType: "checking",
    };
    // A US payee files a W-9 (with a typo first), an EU payee a W-8BEN; both get paid.
    const us = await claimablePayout(
      db,
      scope,
      { email: "maya@example.com", country: "US" },
      250_000n,
    );
    const usSession = (
      await createClaimSession(db, { ...scope, claimLinkId: us.linkId, payoutId: us.payout.id })
    ).token;
    expect(
      await confirmClaim(db, {
        token: us.token,
        sessionToken: usSession,
        method: "us_ach",
        details: ach,
      }),
    ).toEqual({
      status: "tax_info_required",
    });
    const w9 = {
      name: "Maya Chen",
      entityType: "individual",
      tinType: "ssn",
      tin: "123-45-6789",
      addressLine1: "500 Market St",
      city: "San Francisco",
      state: "CA",
      postalCode: "94105",
      certify: true,
      signatureName: "Maya Chen",
    };
    const refused = await submitClaimTaxForm(db, {
      token: us.token,
      sessionToken: usSession,
      kind: "w9",
      values: { ...w9, state: "ZZ" },
      ip: "203.0.113.1",
    });
    expect(leaks(JSON.stringify(refused))).toEqual([]);
    await submitClaimTaxForm(db, {
      token: us.token,
      sessionToken: usSession,
      kind: "w9",
      values: w9,
      ip: "203.0.113.1",
    });
    expect(
      await confirmClaim(db, {
        token: us.token,
        sessionToken: usSession,
        method: "us_ach",
        details: ach,
      }),
    ).toEqual({
      status: "claimed",
    });
    const eu = await claimablePayout(
      db,
      scope,
      { email: "jonas@example.com", country: "DE" },
      300_000n,
      "EUR",
    );
    const euSession = (
      await createClaimSession(db, { ...scope, claimLinkId: eu.linkId, payoutId: eu.payout.id })
    ).token;
    await confirmClaim(db, {
      token: eu.token,
      sessionToken: euSession,
      method: "sepa",
      details: { accountHolderName: "Jonas Weber", iban: "DE89370400440532013000" },
    });
    const euFiled = await submitClaimTaxForm(db, {
      token: eu.token,
      sessionToken: euSession,
      kind: "w8ben",
      values: {
        name: "Jonas Weber",
        citizenship: "DE",
        addressLine1: "Hauptstraße 5",
        city: "Berlin",
        country: "DE",
        foreignTin: "DE 98765432109",
        dateOfBirth: "1980-01-01",
        claimTreaty: false,
        certify: true,
        signatureName: "Jonas Weber",
      },
      ip: "203.0.113.2",
    });
    expect(euFiled).toEqual({ status: "released" });
    expect(
      await confirmClaim(db, {
        token: eu.token,
        sessionToken: euSession,
        method: "sepa",
        details: { accountHolderName: "Jonas Weber", iban: "DE89370400440532013000" },
      }),
    ).toEqual({ status: "claimed" });

    for (const id of [us.payout.id, eu.payout.id]) {
      await applyPayoutEvent(db, scope, id, "submit");
      await applyPayoutEvent(db, scope, id, "settle");
    }

    // The tax reports, through the API.
    const answers: string[] = [];
    const reportIds: string[] = [];
    for (const body of [
      { type: "tax_1099_nec", parameters: { tax_year: new Date().getUTCFullYear() } },
      { type: "dac7", parameters: { tax_year: new Date().getUTCFullYear() } },
    ]) {
      const created = await call(reportsRoute.POST, "POST", "/reports", { key: org.testKey, body });
      answers.push(JSON.stringify(created.body));
      await generateReport(db, scope, created.body.id);
      reportIds.push(created.body.id);
    }
    for (const id of reportIds) {
      const got = await call(reportRoute.GET, "GET", `/reports/${id}`, {
        key: org.testKey,
        params: { id },
      });
      answers.push(JSON.stringify(got.body));
    }
    answers.push(
      JSON.stringify((await call(reportsRoute.GET, "GET", "/reports", { key: org.testKey })).body),
    );
    answers.push(
      JSON.stringify((await call(payoutsRoute.GET, "GET", "/payouts", { key: org.testKey })).body),
    );
    answers.push(
      JSON.stringify(
        (
          await call(eventsRoute.GET, "GET", "/events", {
            key: org.testKey,
            query: { limit: "100" },
          })
        ).body,
      ),
    );

    // Every event to its webhook.
    await relayPendingEvents(db, async () => {});
    for (const due of await claimDueDeliveries(db, { limit: 500 })) await attemptDelivery(db, due);
    const delivered = receiver.on("/hooks");
    expect(delivered.map((d) => JSON.parse(d.body).type)).toEqual(
      expect.arrayContaining(["payout.awaiting_tax_info", "report.ready"]),
    );

    expect(answers.flatMap(leaks), "API answers").toEqual([]);
    expect(
      delivered.flatMap((d) => leaks(d.body)),
      "webhook payloads",
    ).toEqual([]);
    expect(logged.flatMap(leaks), "logs").toEqual([]);

    // No column of any table holds it in the clear (report chunks are sealed bytes).
    const tables = await db.execute<{ name: string }>(
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    for (const { name } of tables) {
      const rows = await db.execute<{ row: string }>(
        sql`select t::text as row from ${sql.identifier(name)} t`,
      );
      expect(
        rows.flatMap((r) => leaks(r.row)),
        `table ${name}`,
      ).toEqual([]);
    }

    // …and the export, downloaded at its signed link, is where it is.
    const exported: string[] = [];
    for (const id of reportIds) {
      const got = await call(reportRoute.GET, "GET", `/reports/${id}`, {
        key: org.testKey,
        params: { id },
      });
      const url = new URL(got.body.url);
      const [, , , reportId, file] = url.pathname.split("/");
      const response = await downloadRoute.GET(new Request(url), {
        params: Promise.resolve({ id: reportId as string, file: file as string }),
      });
      exported.push(await response.text());
    }
    expect(exported[0]).toContain("123456789");
    expect(exported[1]).toContain("DE98765432109");
  });
});
