import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { errorReportCsv } from "./csv-error-report";
import { validateBatchCsv } from "./validate-csv";

function csv(rows: string[][]): string {
  return Papa.unparse(rows);
}

function creatorRows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) => [
    `creator${i + 1}@example.com`,
    `Creator ${i + 1}`,
    i % 2 ? "DE" : "US",
    `${(i % 9) + 1}.50`,
    `cr-${i + 1}`,
  ]);
}

const header = ["email", "name", "country", "amount", "external_id"];

describe("validateBatchCsv", () => {
  it("accepts a clean file and totals it in minor units", async () => {
    const result = await validateBatchCsv(csv([header, ...creatorRows(10)]), {
      currency: "USD",
    });
    expect(result.rowCount).toBe(10);
    expect(result.errors).toEqual([]);
    expect(result.items).toHaveLength(10);
    // 1.50 + 2.50 + … + 9.50 + 1.50
    expect(result.total).toBe(150n + 250n + 350n + 450n + 550n + 650n + 750n + 850n + 950n + 150n);
    expect(result.items[0]).toEqual({
      recipient: {
        email: "creator1@example.com",
        name: "Creator 1",
        country: "US",
        external_id: "cr-1",
      },
      amount: 150n,
    });
  });

  it("lists every invalid row with its spreadsheet row number and reasons", async () => {
    const rows = creatorRows(50);
    rows[6] = ["not-an-email", "Bad Email", "US", "10", "cr-7"];
    rows[41] = ["ok@example.com", "Bad Country", "XX", "10.999", "cr-42"];
    const result = await validateBatchCsv(csv([header, ...rows]), { currency: "USD" });
    expect(result.rowCount).toBe(50);
    expect(result.validCount).toBe(48);
    expect(result.errors.map((e) => e.row)).toEqual([8, 43]);
    expect(result.errors[0]?.issues).toEqual([
      { field: "email", message: "not a valid email address" },
    ]);
    expect(result.errors[1]?.issues.map((i) => i.field)).toEqual(["country", "amount"]);
    expect(result.errors[1]?.values).toMatchObject({ country: "XX", amount: "10.999" });
  });

  it("applies fixes typed in the preview before checking", async () => {
    const rows = creatorRows(5);
    rows[1] = ["broken", "Two", "US", "5", "cr-2"];
    const result = await validateBatchCsv(csv([header, ...rows]), {
      currency: "USD",
      fixes: { 3: { email: "two@example.com" } },
    });
    expect(result.errors).toEqual([]);
    expect(result.items[1]?.recipient.email).toBe("two@example.com");
  });

  it("understands header aliases, a BOM, lower-case countries and ignores unknown columns", async () => {
    const text = `\uFEFFE-mail Address,Full Name,Country Code,Amount,Team\r\nana@example.com,Ana,br,12,blue\r\n\r\n`;
    const result = await validateBatchCsv(text, { currency: "BRL" });
    expect(result.ignoredColumns).toEqual(["Team"]);
    expect(result.items).toEqual([
      { recipient: { email: "ana@example.com", name: "Ana", country: "BR" }, amount: 1200n },
    ]);
  });

  it("takes an optional locale column, checked and written in canonical form", async () => {
    const text = csv([
      ["email", "country", "amount", "locale"],
      ["elodie@example.com", "CA", "12", "fr-ca"],
      ["maria@example.com", "US", "12", "es-US"],
      ["plain@example.com", "US", "12", ""],
      ["ken@example.com", "JP", "12", "ja-JP"],
    ]);
    const result = await validateBatchCsv(text, { currency: "USD" });
    expect(result.items.map((i) => i.recipient)).toEqual([
      { email: "elodie@example.com", country: "CA", locale: "fr-CA" },
      { email: "maria@example.com", country: "US", locale: "es-US" },
      { email: "plain@example.com", country: "US" },
    ]);
    expect(result.errors.map((e) => [e.row, e.issues.map((i) => i.field)])).toEqual([
      [5, ["locale"]],
    ]);
  });

  it("refuses a row in another currency and a reused external id with another identity", async () => {
    const text = csv([
      ["email", "country", "amount", "currency", "external_id"],
      ["a@example.com", "US", "1", "EUR", "x-1"],
      ["b@example.com", "US", "1", "USD", "x-2"],
      ["c@example.com", "US", "1", "", "x-2"],
      ["b@example.com", "US", "2", "", "x-2"],
    ]);
    const result = await validateBatchCsv(text, { currency: "USD" });
    expect(result.errors.map((e) => [e.row, e.issues[0]?.field])).toEqual([
      [2, "currency"],
      [4, "external_id"],
    ]);
    expect(result.validCount).toBe(2);
  });

  it("refuses a row whose external id an earlier row gives another email, name or country, naming that row", async () => {
    const text = csv([
      header,
      ["maya@example.com", "Maya", "US", "1", "cr-1"],
      ["lukas@example.com", "", "DE", "1", "cr-2"],
      ["maya@exmaple.com", "", "US", "1", "cr-1"],
      ["MAYA@example.com", "Maya", "US", "1", "cr-1"],
      ["maya@example.com", "Maria", "US", "1", "cr-1"],
      ["lukas@example.com", "Lukas", "AT", "1", "cr-2"],
      ["lukas@example.com", "Lukas", "DE", "1", "cr-2"],
    ]);
    const result = await validateBatchCsv(text, { currency: "USD" });
    // Case does not make another address, and a name left out is not another name.
    expect(
      result.errors.map((e) => [e.row, e.issues.map((i) => `${i.field}: ${i.message}`)]),
    ).toEqual([
      [4, ['external_id: Row 2 has the same external_id "cr-1" with a different email']],
      [6, ['external_id: Row 2 has the same external_id "cr-1" with a different name']],
      [7, ['external_id: Row 3 has the same external_id "cr-2" with a different country']],
    ]);
    expect(result.validCount).toBe(4);
    const report = errorReportCsv(result.errors);
    expect(report).toContain("Row 2 has the same external_id");
  });

  it("refuses a file without the required columns, or with no rows", async () => {
    const missing = await validateBatchCsv("email,name\nx@example.com,X\n", {
      currency: "USD",
    }).catch((e) => e);
    expect(isAppError(missing, "validation_failed")).toBe(true);
    expect(missing.message).toContain("country, amount");
    const empty = await validateBatchCsv("email,country,amount\n", { currency: "USD" }).catch(
      (e) => e,
    );
    expect(empty.message).toContain("no rows");
  });

  it("stops at the row limit", async () => {
    const error = await validateBatchCsv(csv([header, ...creatorRows(11)]), {
      currency: "USD",
      maxRows: 10,
    }).catch((e) => e);
    expect(isAppError(error, "payload_too_large")).toBe(true);
  });

  it("streams 100,000 rows from a web stream in chunks", async () => {
    const body = csv([header, ...creatorRows(100_000)]);
    const bytes = new TextEncoder().encode(body);
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        // Chunk edges fall inside rows and inside multi-byte characters alike.
        controller.enqueue(bytes.slice(offset, offset + 65_521));
        offset += 65_521;
      },
    });
    const started = performance.now();
    const result = await validateBatchCsv(stream, { currency: "USD" });
    expect(result.rowCount).toBe(100_000);
    expect(result.errors).toHaveLength(0);
    expect(result.items[99_999]?.recipient.external_id).toBe("cr-100000");
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("checks 100,000 rows given in one piece (a string, an uploaded file) as fast", async () => {
    // papaparse re-read the rest of a chunk every few rows: minutes for one this size.
    const body = csv([header, ...creatorRows(100_000)]);
    for (const source of [body, new Blob([body]).stream()]) {
      const started = performance.now();
      const result = await validateBatchCsv(source, { currency: "USD" });
      expect(result.rowCount).toBe(100_000);
      expect(result.errors).toHaveLength(0);
      expect(performance.now() - started).toBeLessThan(20_000);
    }
  });

  it("writes an error report a spreadsheet can open safely", () => {
    const report = errorReportCsv([
      {
        row: 8,
        values: { email: '=HYPERLINK("x")', country: "US", amount: "10" },
        issues: [{ field: "email", message: "not a valid email address" }],
      },
    ]);
    const [head, line] = report.split("\r\n");
    expect(head).toBe("row,errors,email,name,country,amount,external_id,description,currency");
    expect(line).toContain("email: not a valid email address");
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
