import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as reportRoute from "@/app/api/v1/reports/[id]/route";
import * as reportsRoute from "@/app/api/v1/reports/route";
import * as downloadRoute from "@/app/files/reports/[id]/[file]/route";
import { db } from "@/db/client";
import { events, organisationTaxSettings, recipients, reports } from "@/db/schema";
import { generateReportFunction } from "@/inngest/functions/generate-report";
import { generateReport, giveUpOnReport } from "@/lib/reports/generate";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { pastPayout, setTestTaxKeys } from "@/tests/fixtures/tax";
import { eventOf } from "@/tests/functions/harness";

setTestTaxKeys();

let mine: TestOrganisation;
let theirs: TestOrganisation;
const scopeOf = (org: TestOrganisation) => ({
  organisationId: org.organisation.id,
  mode: "test" as const,
});

beforeAll(async () => {
  mine = await createTestOrganisation(db, "Report Co");
  theirs = await createTestOrganisation(db, "Other Co");
  await pastPayout(
    db,
    scopeOf(mine),
    { email: "ann@example.com", country: "US" },
    { amount: 12_345n },
  );
  await pastPayout(
    db,
    scopeOf(theirs),
    { email: "zed@example.com", country: "US" },
    { amount: 999n },
  );
});

const create = (org: TestOrganisation, body: unknown, idempotencyKey?: string) =>
  call(reportsRoute.POST, "POST", "/reports", { key: org.testKey, body, idempotencyKey });

async function download(url: string) {
  const parsed = new URL(url);
  const [, , , id, file] = parsed.pathname.split("/");
  const response = await downloadRoute.GET(new Request(url), {
    params: Promise.resolve({ id: id as string, file: decodeURIComponent(file as string) }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe("POST /v1/reports", () => {
  it("creates a pending report, replays it for the same key, and records report.created", async () => {
    const body = { type: "payouts", parameters: { from: "2020-01-01", to: "2100-01-01" } };
    const first = await create(mine, body, "report-1");
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      object: "report",
      type: "payouts",
      status: "pending",
      progress: 0,
      files: [],
      url: null,
      parameters: { from: "2020-01-01T00:00:00Z" },
    });
    const again = await create(mine, body, "report-1");
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    const created = await db
      .select()
      .from(events)
      .where(
        and(eq(events.type, "report.created"), eq(events.organisationId, mine.organisation.id)),
      );
    expect(created).toHaveLength(1);
    expect(created[0]?.data).toMatchObject({ object: { id: first.body.id, status: "pending" } });
  });

  it("refuses bad parameters with the field that is wrong, and writes nothing", async () => {
    const before = await db.select().from(reports);
    const cases = [
      [{ type: "invoices", parameters: {} }, "type"],
      [{ type: "payouts", parameters: { from: "2026-02-01", to: "2026-01-01" } }, "parameters.to"],
      [{ type: "payouts", parameters: { from: "yesterday", to: "2026-01-01" } }, "parameters.from"],
      [
        { type: "payouts", parameters: { from: "2026-01-01", to: "2026-02-01", colour: "red" } },
        "parameters",
      ],
      [{ type: "tax_1099_nec", parameters: { tax_year: 1999 } }, "parameters.tax_year"],
    ] as const;
    for (const [body, path] of cases) {
      const res = await create(mine, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(
        res.body.errors.map((e: { path: string }) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    // Another organisation's recipient names nothing here.
    const [zed] = await db
      .select()
      .from(recipients)
      .where(eq(recipients.externalId, "zed@example.com"));
    const foreign = await create(mine, {
      type: "recipient_statement",
      parameters: { recipient_id: zed?.id, tax_year: 2026 },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].path).toBe("parameters.recipient_id");
    expect(await db.select().from(reports)).toHaveLength(before.length);
  });

  it("gives API keys the reports holding tax ids only once the organisation allows it", async () => {
    const body = { type: "tax_1099_nec", parameters: { tax_year: 2026 } };
    const refused = await create(mine, body);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/Tax page/);
    await db
      .insert(organisationTaxSettings)
      .values({ organisationId: mine.organisation.id, apiTaxReports: true });
    expect((await create(mine, body)).status).toBe(201);
    expect((await create(theirs, body)).status).toBe(403);
  });
});

describe("GET /v1/reports", () => {
  it("pages newest first with cursors, only this organisation's reports", async () => {
    const a = await create(theirs, { type: "reconciliation", parameters: {} });
    const b = await create(theirs, { type: "reconciliation", parameters: {} });
    const page1 = await call(reportsRoute.GET, "GET", "/reports", {
      key: theirs.testKey,
      query: { limit: "1" },
    });
    expect(page1.body).toMatchObject({ object: "list", has_more: true, data: [{ id: b.body.id }] });
    const page2 = await call(reportsRoute.GET, "GET", "/reports", {
      key: theirs.testKey,
      query: { limit: "100", starting_after: b.body.id },
    });
    expect(page2.body.data.map((r: { id: string }) => r.id)).toEqual([a.body.id]);
    // The other organisation's report is not found, not forbidden.
    const peek = await call(reportRoute.GET, "GET", `/reports/${a.body.id}`, {
      key: mine.testKey,
      params: { id: a.body.id },
    });
    expect(peek.status).toBe(404);
    // Nor does live mode see test mode's.
    const live = await call(reportRoute.GET, "GET", `/reports/${a.body.id}`, {
      key: theirs.liveKey,
      params: { id: a.body.id },
    });
    expect(live.status).toBe(404);
  });

  it("signs a fresh, expiring link to each file of a ready report, which a tampered or late link does not open", async () => {
    const created = await create(mine, {
      type: "payouts",
      parameters: { from: "2020-01-01", to: "2100-01-01" },
    });
    await generateReport(db, scopeOf(mine), created.body.id);
    const got = await call(reportRoute.GET, "GET", `/reports/${created.body.id}`, {
      key: mine.testKey,
      params: { id: created.body.id },
    });
    expect(got.body).toMatchObject({ status: "ready", progress: 100, row_count: 1 });
    const url = got.body.url as string;
    expect(url).toMatch(
      new RegExp(`/files/reports/${created.body.id}/payouts.csv\\?expires=\\d+&signature=`),
    );
    expect(got.body.files).toEqual([
      expect.objectContaining({ name: "payouts.csv", rows: 1, url }),
    ]);
    // Nothing stored is the link.
    const [row] = await db.select().from(reports).where(eq(reports.id, created.body.id));
    expect(JSON.stringify(row)).not.toContain(new URL(url).searchParams.get("signature"));

    const ok = await download(url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(ok.text.split("\n")[0]).toMatch(/^payout_id,created_at,status,amount,currency/);
    expect(ok.text).toContain("123.45,USD,12345");

    const tampered = new URL(url);
    tampered.searchParams.set("expires", String(Number(tampered.searchParams.get("expires")) + 60));
    expect((await download(tampered.toString())).status).toBe(404);
    const otherFile = url.replace("payouts.csv", "ledger_transfers.csv");
    expect((await download(otherFile)).status).toBe(404);
    const late = new URL(url);
    late.searchParams.set("expires", "1000");
    expect((await download(late.toString())).status).toBe(404);
  });
});

describe("the generate-report function", () => {
  it("generates the report once and relays report.ready; giving up marks it failed with report.failed", async () => {
    const created = await create(theirs, { type: "reconciliation", parameters: {} });
    const event = eventOf("report.created", {
      object: created.body,
      organisation_id: theirs.organisation.id,
      mode: "test",
    });
    const t = new InngestTestEngine({ function: generateReportFunction, events: [event] });
    const { result } = await t.execute();
    expect(result).toMatchObject({ status: "ready" });
    const again = await new InngestTestEngine({
      function: generateReportFunction,
      events: [event],
    }).execute();
    expect(again.result).toMatchObject({ status: "already finished" });
    const ready = await db
      .select()
      .from(events)
      .where(
        and(eq(events.type, "report.ready"), eq(events.organisationId, theirs.organisation.id)),
      );
    expect(ready).toHaveLength(1);
    expect(ready[0]?.data).toMatchObject({
      object: { id: created.body.id, status: "ready", url: null },
    });

    // What the function does once the step has failed its last retry (the engine then
    // throws the step's error into the function, which @inngest/test does not model).
    const doomed = await create(theirs, { type: "reconciliation", parameters: {} });
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    await giveUpOnReport(db, scopeOf(theirs), doomed.body.id, new Error("boom"));
    quiet.mockRestore();
    const failed = await call(reportRoute.GET, "GET", `/reports/${doomed.body.id}`, {
      key: theirs.testKey,
      params: { id: doomed.body.id },
    });
    expect(failed.body).toMatchObject({ status: "failed", url: null });
    expect(failed.body.failure_reason).toMatch(/Request it again/);
    const failedEvents = await db
      .select()
      .from(events)
      .where(
        and(eq(events.type, "report.failed"), eq(events.organisationId, theirs.organisation.id)),
      );
    expect(failedEvents).toHaveLength(1);
  });
});
