import { InngestTestEngine } from "@inngest/test";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails } from "@/db/schema";
import { purgeMailContentSweep } from "@/inngest/functions/purge-mail-content";
import { MAIL_CONTENT_RETENTION_HOURS, openEmail, sendEmail } from "@/lib/mail";

process.env.AUTH_SECRET ??= "purge-mail-test-secret-purge-mail-test-secret";
// Content is kept (sealed) only for the dev mailbox.
process.env.DEV_MAILBOX ??= "1";

const HOUR = 3_600_000;

describe("purge-mail-content", () => {
  it("drops the content of mail older than the retention and keeps its metadata", async () => {
    const sent = async (key: string, ageHours: number) => {
      const { email } = await sendEmail({
        idempotencyKey: key,
        to: "ada@example.com",
        subject: "Your link",
        text: `https://app.example/c/${key}`,
        kind: "invite",
        mode: "test",
        subjectRef: "po_purge",
      });
      await db
        .update(emails)
        .set({ createdAt: new Date(Date.now() - ageHours * HOUR) })
        .where(eq(emails.id, email.id));
      return email.id;
    };
    const fresh = await sent("purge:fresh", 1);
    const almost = await sent("purge:almost", MAIL_CONTENT_RETENTION_HOURS - 1);
    const old = await sent("purge:old", MAIL_CONTENT_RETENTION_HOURS + 1);
    const ancient = await sent("purge:ancient", 24 * 30);

    const { result } = await new InngestTestEngine({ function: purgeMailContentSweep }).execute();

    expect(result).toEqual({ purged: 2 });
    const rows = await db
      .select()
      .from(emails)
      .where(inArray(emails.id, [fresh, almost, old, ancient]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(openEmail(byId.get(fresh))?.text).toBe("https://app.example/c/purge:fresh");
    expect(openEmail(byId.get(almost))?.text).toBe("https://app.example/c/purge:almost");
    expect(byId.get(old)).toMatchObject({
      content: null,
      mailboxGrant: null,
      subject: "Your link",
    });
    expect(byId.get(ancient)).toMatchObject({
      content: null,
      idempotencyKey: "purge:ancient",
      subjectRef: "po_purge",
      kind: "invite",
    });
  });
});
