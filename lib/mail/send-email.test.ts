import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { openEmail } from "./content";
import { sendEmail, sendEmails } from "./send-email";

const base = {
  to: "ada@example.com",
  subject: "You have a payment",
  text: "Open your link.",
  kind: "invite" as const,
  organisationId: "org_test",
};

process.env.AUTH_SECRET ??= "send-email-test-secret-send-email-test-secret";
// No SMTP_URL in this file: the table is the dev mailbox.
process.env.DEV_MAILBOX ??= "1";

describe("sendEmail without SMTP", () => {
  it("keeps test-mode mail in the dev mailbox, unsent", async () => {
    const result = await sendEmail({ ...base, idempotencyKey: "invite:po_1:cl_1", mode: "test" });
    expect(result.outcome).toBe("stored");
    expect(result.email.sentAt).toBeNull();
    expect(result.email.to).toBe("ada@example.com");
    expect(openEmail(result.email)).toEqual({
      subject: "You have a payment",
      text: "Open your link.",
      html: null,
    });
  });

  it("binds the sealed content to its own row", async () => {
    const a = await sendEmail({ ...base, idempotencyKey: "bound:a", mode: "test" });
    const b = await sendEmail({ ...base, idempotencyKey: "bound:b", mode: "test" });
    expect(() => openEmail({ id: b.email.id, content: a.email.content })).toThrow();
  });

  it("stores a key once however often it is retried", async () => {
    const key = "invite:po_2:cl_2";
    const first = await sendEmail({ ...base, idempotencyKey: key, mode: "test" });
    const again = await sendEmail({
      ...base,
      idempotencyKey: key,
      subject: "a changed subject",
      mode: "test",
    });
    expect(again.outcome).toBe("duplicate");
    expect(again.email.id).toBe(first.email.id);
    const rows = await db.select().from(emails).where(eq(emails.idempotencyKey, key));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.subject).toBe("You have a payment");
  });

  it("refuses live-mode mail and writes nothing", async () => {
    const key = "invite:po_live:cl_live";
    const error = await sendEmail({ ...base, idempotencyKey: key, mode: "live" }).catch((e) => e);
    expect(isAppError(error, "live_mode_unavailable")).toBe(true);
    expect(await db.select().from(emails).where(eq(emails.idempotencyKey, key))).toEqual([]);
  });

  it("refuses a malformed address with a field error", async () => {
    const error = await sendEmail({ ...base, to: "not-an-address", idempotencyKey: "k:bad" }).catch(
      (e) => e,
    );
    expect(isAppError(error, "validation_failed")).toBe(true);
    expect(error.fieldErrors[0].path).toBe("to");
  });

  it("writes many mails in bulk and counts the ones already there", async () => {
    await sendEmail({ ...base, idempotencyKey: "bulk:0", mode: "test" });
    const inputs = Array.from({ length: 2_500 }, (_, i) => ({
      ...base,
      idempotencyKey: `bulk:${i}`,
      mode: "test" as const,
    }));
    expect(await sendEmails(inputs)).toEqual({ sent: 0, stored: 2_499, duplicate: 1 });
    expect(await sendEmails(inputs.slice(0, 10))).toEqual({ sent: 0, stored: 0, duplicate: 10 });
  });

  it("refuses a bulk call holding one live mail before writing any", async () => {
    const inputs = [
      { ...base, idempotencyKey: "mixed:test", mode: "test" as const },
      { ...base, idempotencyKey: "mixed:live", mode: "live" as const },
    ];
    const error = await sendEmails(inputs).catch((e) => e);
    expect(isAppError(error, "live_mode_unavailable")).toBe(true);
    expect(await db.select().from(emails).where(eq(emails.idempotencyKey, "mixed:test"))).toEqual(
      [],
    );
  });
});
