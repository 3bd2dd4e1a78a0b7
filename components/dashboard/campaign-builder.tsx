"use client";

import { useRouter } from "next/navigation";
import Papa from "papaparse";
import { useRef, useState } from "react";
import type { CsvColumn, RawRow } from "@/lib/batches/csv-rows";
import type { CsvPreview } from "@/lib/batches/csv-upload";
import { formatMoney } from "@/lib/money";

type ManualRow = { id: number; email: string; name: string; country: string; amount: string };
let nextRowId = 0;
const emptyRow = (): ManualRow => ({
  id: nextRowId++,
  email: "",
  name: "",
  country: "",
  amount: "",
});
const editable: CsvColumn[] = [
  "email",
  "name",
  "country",
  "amount",
  "external_id",
  "description",
  "locale",
];

const input =
  "block w-full rounded-md border border-slate-300 px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30";

/** The preview sends amounts as strings of minor units (JSON has no bigint). */
function formatMinor(minor: string, currency: string): string {
  return formatMoney({ amount: BigInt(minor), currency });
}

export function CampaignBuilder({
  organisationId,
  currencies,
  methods,
}: {
  organisationId: string;
  currencies: string[];
  methods: { id: string; name: string }[];
}) {
  const router = useRouter();
  const settings = useRef<HTMLFormElement>(null);
  const [source, setSource] = useState<"csv" | "form">("csv");
  const [file, setFile] = useState<File | null>(null);
  const [rows, setRows] = useState<ManualRow[]>(() => [emptyRow()]);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [fixes, setFixes] = useState<Record<number, RawRow>>({});
  const [problem, setProblem] = useState<{
    message: string;
    fieldErrors?: { path: string; message: string }[];
  } | null>(null);
  const [busy, setBusy] = useState<"check" | "create" | "report" | null>(null);

  function currentFile(): File | null {
    if (source === "csv") return file;
    const filled = rows.filter((r) => [r.email, r.name, r.country, r.amount].some((v) => v.trim()));
    if (filled.length === 0) return null;
    const text = Papa.unparse({
      fields: ["email", "name", "country", "amount"],
      data: filled.map((r) => [r.email, r.name, r.country, r.amount]),
    });
    return new File([text], "recipients.csv", { type: "text/csv" });
  }

  function body(extra: Record<string, string> = {}): FormData | null {
    const f = currentFile();
    if (!f || !settings.current) return null;
    const data = new FormData(settings.current);
    data.set("file", f);
    data.set("fixes", JSON.stringify(fixes));
    for (const [k, v] of Object.entries(extra)) data.set(k, v);
    return data;
  }

  async function post(path: string, data: FormData, query: Record<string, string> = {}) {
    const params = new URLSearchParams({ organisationId, ...query });
    return fetch(`${path}?${params}`, { method: "POST", body: data });
  }

  async function check(nextFixes = fixes) {
    setProblem(null);
    const f = currentFile();
    if (!f) {
      setProblem({
        message: source === "csv" ? "Choose a CSV file first." : "Add at least one recipient.",
      });
      return;
    }
    const data = body();
    if (!data) return;
    data.set("fixes", JSON.stringify(nextFixes));
    setBusy("check");
    try {
      const response = await post("/dashboard/campaigns/preview", data);
      const json = await response.json();
      if (!response.ok) {
        setPreview(null);
        setProblem(json.error);
      } else {
        setPreview(json as CsvPreview);
      }
    } finally {
      setBusy(null);
    }
  }

  async function downloadReport() {
    const data = body();
    if (!data) return;
    setBusy("report");
    try {
      const response = await post("/dashboard/campaigns/preview", data, { format: "csv" });
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = "campaign-errors.csv";
      a.click();
      URL.revokeObjectURL(url);
    } finally {
      setBusy(null);
    }
  }

  async function create() {
    setProblem(null);
    const data = body();
    if (!data) return;
    setBusy("create");
    try {
      const response = await post("/dashboard/campaigns/commit", data);
      const json = await response.json();
      if (!response.ok) {
        setProblem(json.error);
        if (json.error?.errors) await check();
        return;
      }
      router.push(`/dashboard/campaigns/${json.id}`);
    } finally {
      setBusy(null);
    }
  }

  function editFix(row: number, original: RawRow, column: CsvColumn, value: string) {
    setFixes((prev) => ({ ...prev, [row]: { ...original, ...prev[row], [column]: value } }));
  }

  const currency = preview?.currency ?? "USD";
  const fieldError = (path: string) => problem?.fieldErrors?.find((f) => f.path === path)?.message;

  return (
    <div className="space-y-6">
      <form
        ref={settings}
        className="grid gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm md:grid-cols-2"
        onSubmit={(e) => e.preventDefault()}
      >
        <h2 className="text-base font-semibold md:col-span-2">Campaign</h2>
        <div>
          <label htmlFor="name" className="block text-sm font-medium text-slate-700">
            Name
          </label>
          <input
            id="name"
            name="name"
            required
            maxLength={200}
            className={`mt-1 ${input}`}
            placeholder="October creator bonuses"
            aria-invalid={fieldError("name") ? true : undefined}
          />
          {fieldError("name") ? (
            <p className="mt-1 text-sm text-red-700">{fieldError("name")}</p>
          ) : null}
        </div>
        <div>
          <label htmlFor="currency" className="block text-sm font-medium text-slate-700">
            Currency
          </label>
          <select
            id="currency"
            name="currency"
            defaultValue="USD"
            className={`mt-1 ${input}`}
            onChange={() => setPreview(null)}
          >
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="md:col-span-2">
          <label htmlFor="message" className="block text-sm font-medium text-slate-700">
            Message on the claim page
          </label>
          <textarea
            id="message"
            name="message"
            rows={2}
            maxLength={2000}
            className={`mt-1 ${input}`}
            placeholder="Thank you for creating with us this month!"
          />
        </div>
        <fieldset className="md:col-span-2">
          <legend className="text-sm font-medium text-slate-700">
            Allowed methods{" "}
            <span className="font-normal text-slate-500">
              (none ticked: every method the recipient's country allows)
            </span>
          </legend>
          <div className="mt-2 flex flex-wrap gap-x-4 gap-y-2">
            {methods.map((m) => (
              <label key={m.id} className="flex items-center gap-1.5 text-sm text-slate-800">
                <input type="checkbox" name="allowedMethods" value={m.id} className="h-4 w-4" />
                {m.name}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor="expiresInDays" className="block text-sm font-medium text-slate-700">
            Link expiry (days)
          </label>
          <input
            id="expiresInDays"
            name="expiresInDays"
            type="number"
            min={1}
            max={365}
            defaultValue={30}
            className={`mt-1 ${input}`}
          />
          {fieldError("expiresInDays") ? (
            <p className="mt-1 text-sm text-red-700">{fieldError("expiresInDays")}</p>
          ) : null}
        </div>
      </form>

      <section
        className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
        aria-labelledby="recipients-heading"
      >
        <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
          <h2 id="recipients-heading" className="text-base font-semibold">
            Recipients
          </h2>
          <div
            role="tablist"
            aria-label="How to add recipients"
            className="inline-flex rounded-md border border-slate-300 p-0.5"
          >
            {(["csv", "form"] as const).map((s) => (
              <button
                key={s}
                type="button"
                role="tab"
                aria-selected={source === s}
                onClick={() => {
                  setSource(s);
                  setPreview(null);
                  setFixes({});
                }}
                className={`rounded px-3 py-1 text-sm font-medium ${source === s ? "bg-indigo-600 text-white" : "text-slate-700"}`}
              >
                {s === "csv" ? "Upload a CSV" : "Type them in"}
              </button>
            ))}
          </div>
        </div>
        {source === "csv" ? (
          <div>
            <label htmlFor="csv-file" className="block text-sm font-medium text-slate-700">
              CSV file (up to 100,000 rows)
            </label>
            <input
              id="csv-file"
              type="file"
              accept=".csv,text/csv"
              className="mt-1 block text-sm"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setPreview(null);
                setFixes({});
              }}
            />
            <p className="mt-2 text-xs text-slate-500">
              Columns: <code>email</code>, <code>country</code> (ISO code such as US),{" "}
              <code>amount</code> (e.g. 25.00) required;
              <code> name</code>, <code>external_id</code>, <code>description</code> optional. The
              first line names the columns.
            </p>
          </div>
        ) : (
          <div className="space-y-2">
            {rows.map((row, i) => (
              <div
                key={row.id}
                className="grid grid-cols-2 gap-2 md:grid-cols-[2fr_2fr_1fr_1fr_auto]"
              >
                {(["email", "name", "country", "amount"] as const).map((col) => (
                  <input
                    key={col}
                    aria-label={`${col} of recipient ${i + 1}`}
                    placeholder={
                      { email: "email@example.com", name: "Name", country: "US", amount: "25.00" }[
                        col
                      ]
                    }
                    value={row[col]}
                    onChange={(e) => {
                      const next = [...rows];
                      next[i] = { ...row, [col]: e.target.value };
                      setRows(next);
                      setPreview(null);
                    }}
                    className={input}
                  />
                ))}
                <button
                  type="button"
                  onClick={() => setRows(rows.filter((_, j) => j !== i))}
                  className="text-sm text-slate-600 underline"
                  aria-label={`Remove recipient ${i + 1}`}
                >
                  Remove
                </button>
              </div>
            ))}
            <button
              type="button"
              onClick={() => setRows([...rows, emptyRow()])}
              className="text-sm font-medium text-indigo-700 underline"
            >
              + Add recipient
            </button>
          </div>
        )}
        <div className="mt-4">
          <button
            type="button"
            onClick={() => check()}
            disabled={busy !== null}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:opacity-60"
          >
            {busy === "check" ? "Checking…" : preview ? "Check again" : "Check recipients"}
          </button>
        </div>
      </section>

      {problem ? (
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
          {problem.message}
        </p>
      ) : null}

      {preview ? (
        <section
          aria-labelledby="preview-heading"
          className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
        >
          <h2 id="preview-heading" className="text-base font-semibold">
            Preview
          </h2>
          <dl
            className="mt-3 grid grid-cols-2 gap-3 text-sm md:grid-cols-4"
            data-testid="campaign-preview-summary"
          >
            <div>
              <dt className="text-slate-500">Rows</dt>
              <dd className="font-semibold">{preview.rowCount.toLocaleString("en-US")}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Valid</dt>
              <dd className="font-semibold text-emerald-800">
                {preview.validCount.toLocaleString("en-US")}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Invalid</dt>
              <dd
                className={`font-semibold ${preview.errorCount ? "text-red-700" : ""}`}
                data-testid="invalid-count"
              >
                {preview.errorCount.toLocaleString("en-US")}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Total of valid rows</dt>
              <dd className="font-semibold">{formatMinor(preview.total, currency)}</dd>
            </div>
          </dl>
          {!preview.sufficientFunds ? (
            <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Your available {currency} balance is {formatMinor(preview.available, currency)}: fund
              the balance before creating this campaign.
            </p>
          ) : null}
          {preview.needsApproval ? (
            <p className="mt-3 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900">
              Above your approval threshold of{" "}
              {formatMinor(preview.approvalThreshold ?? "0", currency)}: another member must approve
              it before any link is sent.
            </p>
          ) : null}
          {preview.ignoredColumns.length ? (
            <p className="mt-3 text-sm text-slate-600">
              Ignored columns: {preview.ignoredColumns.join(", ")}
            </p>
          ) : null}

          {preview.errorCount > 0 ? (
            <div className="mt-5">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h3 className="text-sm font-semibold text-red-800">
                  {preview.errorCount} invalid {preview.errorCount === 1 ? "row" : "rows"}: fix them
                  here, or in your file and upload it again
                </h3>
                <button
                  type="button"
                  onClick={downloadReport}
                  disabled={busy !== null}
                  className="text-sm font-medium text-indigo-700 underline"
                >
                  {busy === "report" ? "Preparing…" : "Download error report (CSV)"}
                </button>
              </div>
              <ul className="mt-3 space-y-3" aria-label="Invalid rows">
                {preview.errors.map((e) => (
                  <li
                    key={e.row}
                    data-testid="invalid-row"
                    data-row={e.row}
                    className="rounded-lg border border-red-200 bg-red-50/40 p-3"
                  >
                    <p className="text-sm font-medium text-slate-900">Row {e.row}</p>
                    <ul className="mt-1 text-sm text-red-800">
                      {e.issues.map((issue) => (
                        <li key={`${issue.field}-${issue.message}`}>
                          <span className="font-medium">{issue.field}</span>: {issue.message}
                        </li>
                      ))}
                    </ul>
                    <div className="mt-2 grid gap-2 md:grid-cols-3">
                      {editable
                        .filter(
                          (c) => e.values[c] !== undefined || e.issues.some((i) => i.field === c),
                        )
                        .map((c) => (
                          <label key={c} className="text-xs font-medium text-slate-600">
                            {c}
                            <input
                              aria-label={`Row ${e.row} ${c}`}
                              defaultValue={fixes[e.row]?.[c] ?? e.values[c] ?? ""}
                              onChange={(ev) => editFix(e.row, e.values, c, ev.target.value)}
                              aria-invalid={e.issues.some((i) => i.field === c) ? true : undefined}
                              className={`mt-0.5 ${input} ${e.issues.some((i) => i.field === c) ? "border-red-400" : ""}`}
                            />
                          </label>
                        ))}
                    </div>
                  </li>
                ))}
              </ul>
              {preview.errorsTruncated ? (
                <p className="mt-2 text-sm text-slate-600">
                  Only the first {preview.errors.length} are listed; the report has them all.
                </p>
              ) : null}
            </div>
          ) : null}

          <div className="mt-5 flex items-center gap-3 border-t border-slate-200 pt-4">
            <button
              type="button"
              onClick={create}
              disabled={busy !== null || preview.errorCount > 0 || preview.validCount === 0}
              className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700 disabled:opacity-50"
            >
              {busy === "create"
                ? "Creating…"
                : `Create campaign · ${preview.validCount.toLocaleString("en-US")} payouts · ${formatMinor(preview.total, currency)}`}
            </button>
            {preview.errorCount > 0 ? (
              <span className="text-sm text-slate-600">
                Fix every invalid row, then check again.
              </span>
            ) : null}
          </div>
        </section>
      ) : null}
    </div>
  );
}
