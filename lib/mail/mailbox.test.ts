import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails } from "@/db/schema";
import { sendSignInEmail } from "@/lib/auth/sign-in-email";
import { emailClaimCode } from "@/lib/claims/claim-emails";
import { sendClaimCode } from "@/lib/claims/claim-flow";
import { newId } from "@/lib/ids";
import { insertUser, organisationWithOwner } from "@/tests/dashboard/fixtures";
import { insertClaimablePayout } from "@/tests/fixtures/claims";
import { openEmail } from "./content";
import {
  getMailboxEmail,
  hashMailboxGrant,
  listMailbox,
  type MailboxViewer,
  mailboxViewer,
  newMailboxGrant,
} from "./mailbox";

process.env.AUTH_SECRET ??= "mailbox-test-secret-mailbox-test-secret-0123";
process.env.DEV_MAILBOX ??= "1";

async function mail(
  subject: string,
  mode: "test" | "live" | null,
  extra: { to?: string; organisationId?: string } = {},
) {
  const id = newId("email");
  await db.insert(emails).values({
    id,
    idempotencyKey: `mailbox:${id}`,
    to: extra.to ?? "box@example.com",
    organisationId: extra.organisationId ?? null,
    subject,
    kind: "invite",
    mode,
  });
  return id;
}

const anonymous: MailboxViewer = { grant: null, member: null };
const ids = (page: { data: { id: string }[] }) => page.data.map((e) => e.id);

describe("dev mailbox", () => {
  it("lists test-mode and system mail newest first, in pages, and never live-mode mail", async () => {
    // Mail to the signed-in member's own address: theirs to read.
    const viewer: MailboxViewer = {
      grant: null,
      member: { email: "box@example.com", organisationIds: [] },
    };
    const first = await mail("first", "test");
    const live = await mail("live payout", "live");
    const second = await mail("second", null);
    const third = await mail("third", "test");

    const page = await listMailbox(db, viewer, { limit: 2 });
    expect(page.data.map((e) => e.id)).toEqual([third, second]);
    expect(page.hasMore).toBe(true);
    const next = await listMailbox(db, viewer, { limit: 2, before: second });
    expect(next.data.map((e) => e.id)).toEqual([first]);
    expect(next.hasMore).toBe(false);

    expect(await getMailboxEmail(db, viewer, first)).toMatchObject({ subject: "first" });
    expect(await getMailboxEmail(db, viewer, live)).toBeNull();
  });

  it("shows a browser that is not signed in nothing but the sign-in link it asked for", async () => {
    const grant = newMailboxGrant();
    const url = "http://localhost:3000/api/auth/callback/nodemailer?token=abc123secret&email=x";
    await sendSignInEmail({
      to: "ada@acme.test",
      url,
      expires: new Date(Date.now() + 3_600_000),
      mailboxGrant: hashMailboxGrant(grant),
    });
    await sendSignInEmail({
      to: "ada@acme.test",
      url: `${url}-asked-elsewhere`,
      expires: new Date(Date.now() + 3_600_000),
      mailboxGrant: hashMailboxGrant(newMailboxGrant()),
    });
    const someoneElses = await mail("an invite with a claim link", "test", {
      to: "ada@acme.test",
    });

    expect(await listMailbox(db, anonymous, { limit: 50 })).toEqual({ data: [], hasMore: false });
    expect(await getMailboxEmail(db, anonymous, someoneElses)).toBeNull();

    const asker = await mailboxViewer(db, { userId: undefined, grantCookie: grant });
    const seen = await listMailbox(db, asker, { limit: 50 });
    expect(seen.data).toHaveLength(1);
    expect(openEmail(seen.data[0])?.text).toContain(url);
    expect(openEmail(seen.data[0])?.text).not.toContain("asked-elsewhere");
    expect(await getMailboxEmail(db, asker, someoneElses)).toBeNull();
  });

  it("shows a member their organisations' mail and mail to them, and no other tenant's", async () => {
    const ours = await organisationWithOwner(db, "Ours Co");
    const theirs = await organisationWithOwner(db, "Theirs Co");
    const ourInvite = await mail("ours", "test", {
      to: "rae@example.com",
      organisationId: ours.org.id,
    });
    const toOwner = await mail("to the owner", null, { to: ours.owner.email });
    const theirInvite = await mail("theirs", "test", {
      to: "rae@example.com",
      organisationId: theirs.org.id,
    });
    const toTheirOwner = await mail("to their owner", null, { to: theirs.owner.email });

    const viewer = await mailboxViewer(db, { userId: ours.owner.id, grantCookie: undefined });
    expect(ids(await listMailbox(db, viewer, { limit: 50 }))).toEqual([toOwner, ourInvite]);
    expect(ids(await listMailbox(db, viewer, { limit: 50, to: "rae@example.com" }))).toEqual([
      ourInvite,
    ]);
    expect(await getMailboxEmail(db, viewer, theirInvite)).toBeNull();
    expect(await getMailboxEmail(db, viewer, toTheirOwner)).toBeNull();

    // Signed in without any organisation yet: only mail to their own address.
    const newcomer = await insertUser(db, "newcomer@acme.test");
    const toNewcomer = await mail("welcome", null, { to: newcomer.email });
    const alone = await mailboxViewer(db, { userId: newcomer.id, grantCookie: undefined });
    expect(ids(await listMailbox(db, alone, { limit: 50 }))).toEqual([toNewcomer]);
  });

  it("shows a test-mode claim code to the browser that asked for it, and to no other", async () => {
    const grant = newMailboxGrant();
    const claim = await insertClaimablePayout(db, { email: "demo-payee@example.com" });
    const codes: string[] = [];
    const sent = await sendClaimCode(db, {
      token: claim.token,
      ip: "203.0.113.9",
      locale: "en",
      deliver: async (mail, tx) => {
        codes.push(mail.code);
        await emailClaimCode({ ...mail, mailboxGrant: hashMailboxGrant(grant) }, tx);
      },
    });
    expect(sent.status).toBe("sent");

    const asker = await mailboxViewer(db, { userId: undefined, grantCookie: grant });
    const seen = await listMailbox(db, asker, { limit: 50 });
    expect(seen.data.map((e) => e.kind)).toEqual(["claim_code"]);
    expect(openEmail(seen.data[0])?.text).toContain(codes[0]);

    const other = await mailboxViewer(db, { userId: undefined, grantCookie: newMailboxGrant() });
    expect(await listMailbox(db, other, { limit: 50 })).toEqual({ data: [], hasMore: false });
  });
});
