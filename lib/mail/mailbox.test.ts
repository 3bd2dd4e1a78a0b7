import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails } from "@/db/schema";
import { newId } from "@/lib/ids";
import { getMailboxEmail, listMailbox } from "./mailbox";

async function mail(subject: string, mode: "test" | "live" | null) {
  const id = newId("email");
  await db.insert(emails).values({
    id,
    idempotencyKey: `mailbox:${id}`,
    to: "box@example.com",
    subject,
    text: subject,
    kind: "invite",
    mode,
  });
  return id;
}

describe("dev mailbox", () => {
  it("lists test-mode and system mail newest first, in pages, and never live-mode mail", async () => {
    const first = await mail("first", "test");
    const live = await mail("live payout", "live");
    const second = await mail("second", null);
    const third = await mail("third", "test");

    const page = await listMailbox(db, { limit: 2 });
    expect(page.data.map((e) => e.id)).toEqual([third, second]);
    expect(page.hasMore).toBe(true);
    const next = await listMailbox(db, { limit: 2, before: second });
    expect(next.data.map((e) => e.id)).toEqual([first]);
    expect(next.hasMore).toBe(false);

    expect(await getMailboxEmail(db, first)).toMatchObject({ subject: "first" });
    expect(await getMailboxEmail(db, live)).toBeNull();
  });
});
