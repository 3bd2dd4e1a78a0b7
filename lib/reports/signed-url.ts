import { createHmac, timingSafeEqual } from "node:crypto";
import { appUrl } from "@/lib/config";
import { derivedKey } from "@/lib/crypto/secret-box";

/**
 * A report file is downloaded at a link that carries its own permission: the report,
 * the file, an expiry and an HMAC of the three under a key derived from AUTH_SECRET. It is
 * made when an authorised caller reads the report and never stored, so nothing in the
 * database is a usable link.
 */
export const REPORT_URL_TTL_SECONDS = 15 * 60;

function signature(reportId: string, file: string, expires: number): string {
  return createHmac("sha256", derivedKey("report-url/v1"))
    .update(`${reportId}/${file}/${expires}`)
    .digest("base64url");
}

export function reportFileUrl(
  reportId: string,
  file: string,
  now = new Date(),
): { url: string; expiresAt: Date } {
  const expires = Math.floor(now.getTime() / 1000) + REPORT_URL_TTL_SECONDS;
  const query = new URLSearchParams({
    expires: String(expires),
    signature: signature(reportId, file, expires),
  });
  return {
    url: `${appUrl()}/files/reports/${reportId}/${encodeURIComponent(file)}?${query}`,
    expiresAt: new Date(expires * 1000),
  };
}

/** Whether a download link is genuine and unexpired; any other answer is "no". */
export function verifyReportFileUrl(
  input: { reportId: string; file: string; expires: string | null; signature: string | null },
  now = new Date(),
): boolean {
  if (!input.expires || !input.signature || !/^\d{1,12}$/.test(input.expires)) return false;
  const expires = Number(input.expires);
  if (expires * 1000 <= now.getTime()) return false;
  const expected = Buffer.from(signature(input.reportId, input.file, expires));
  const given = Buffer.from(input.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
