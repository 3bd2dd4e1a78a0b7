import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails } from "@/db/schema";
import { startTestSmtpServer } from "@/tests/fixtures/smtp-server";
import { sendEmail, sendEmails } from "./send-email";

let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  // Read once by config(); nothing in this file has asked for it yet.
  process.env.SMTP_URL = smtp.url;
  // On too, to show that mail leaving over SMTP is never kept for it.
  process.env.DEV_MAILBOX = "1";
});
afterAll(async () => {
  await smtp.close();
});

const base = {
  to: "grace@example.com",
  subject: "Your receipt",
  text: "You have been paid.",
  html: "<p>You have been paid.</p>",
  kind: "receipt" as const,
};

describe("sendEmail over SMTP", () => {
  it("sends live-mode mail once and records when", async () => {
    const key = "receipt:po_1:1";
    const first = await sendEmail({ ...base, idempotencyKey: key, mode: "live" });
    const again = await sendEmail({ ...base, idempotencyKey: key, mode: "live" });
    expect(first.outcome).toBe("sent");
    expect(first.email.sentAt).toBeInstanceOf(Date);
    expect(again.outcome).toBe("duplicate");
    const delivered = smtp.received.filter((m) => m.data.includes("Subject: Your receipt"));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.to).toEqual(["<grace@example.com>"]);
  });

  it("keeps mail that left over SMTP, live or test, as metadata only", async () => {
    for (const mode of ["live", "test"] as const) {
      const key = `receipt:po_meta_${mode}:1`;
      const { email } = await sendEmail({
        ...base,
        text: "Your link: https://app.example/c/secret-token-123",
        idempotencyKey: key,
        mode,
        subjectRef: "po_meta",
      });
      const delivered = smtp.received.filter((m) => m.data.includes("secret-token-123"));
      expect(delivered.length).toBeGreaterThan(0);
      const [row] = await db.select().from(emails).where(eq(emails.idempotencyKey, key));
      expect(row).toMatchObject({
        id: email.id,
        to: "grace@example.com",
        kind: "receipt",
        mode,
        subject: "Your receipt",
        subjectRef: "po_meta",
        content: null,
        mailboxGrant: null,
      });
      expect(row?.sentAt).toBeInstanceOf(Date);
      expect(JSON.stringify(row)).not.toContain("secret-token-123");
    }
  });

  it("leaves no row when the server refuses, so the retry sends", async () => {
    const key = "receipt:po_2:1";
    smtp.failNext();
    await expect(sendEmail({ ...base, idempotencyKey: key, mode: "test" })).rejects.toThrow();
    expect(await db.select().from(emails).where(eq(emails.idempotencyKey, key))).toEqual([]);
    const retried = await sendEmail({ ...base, idempotencyKey: key, mode: "test" });
    expect(retried.outcome).toBe("sent");
  });

  it("sends each of many mails once under concurrent duplicates", async () => {
    const before = smtp.received.length;
    const inputs = Array.from({ length: 12 }, (_, i) => ({
      ...base,
      idempotencyKey: `many:${i % 6}`,
      mode: "test" as const,
    }));
    const counts = await sendEmails(inputs, { concurrency: 6 });
    expect(counts.sent).toBe(6);
    expect(counts.duplicate).toBe(6);
    expect(smtp.received.length - before).toBe(6);
  });
});
