import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails } from "@/db/schema";
import { sendInvitationEmail } from "@/lib/auth/invitation-email";
import { createInvitation } from "@/lib/auth/invitations";
import { sendSignInEmail } from "@/lib/auth/sign-in-email";
import { emailClaimCode } from "@/lib/claims/claim-emails";
import { sendClaimCode } from "@/lib/claims/claim-flow";
import { reissueClaimLink } from "@/lib/payouts/member-actions";
import { organisationWithClaimablePayouts } from "@/tests/dashboard/fixtures";
import { insertClaimablePayout } from "@/tests/fixtures/claims";
import { MASK, openEmail } from "./content";
import { emailKinds, sendEmail } from "./send-email";

process.env.AUTH_SECRET ??= "secrets-at-rest-test-secret-secrets-at-rest-01";
// The most the table ever keeps: the dev mailbox's copy (no SMTP in this file).
process.env.DEV_MAILBOX ??= "1";

/** Every row of the table as the database holds it, without timestamps (their digits could look like a code). */
async function rawRows(where?: { id: string }): Promise<string> {
  const rows = await db.execute<{ row: string }>(sql`
    select (to_jsonb(e) - 'created_at' - 'sent_at')::text as row from ${emails} e
    where ${where?.id ?? null}::text is null or e.id = ${where?.id ?? null}`);
  return rows.map((r) => r.row).join("\n");
}

function expectNoneAtRest(raw: string, secrets: string[]) {
  for (const secret of secrets)
    expect(raw, `"${secret}" is stored in the clear`).not.toContain(secret);
}

describe("the emails table at rest", () => {
  it("holds no link, code or token of any kind of mail, yet the dev mailbox can open it", async () => {
    for (const kind of emailKinds) {
      const token = randomBytes(32).toString("base64url");
      const code = String(100_000 + Math.floor(Math.random() * 900_000));
      const url = `http://localhost:3000/c/${token}`;
      const { email } = await sendEmail({
        idempotencyKey: `at-rest:${kind}`,
        to: "ada@example.com",
        subject: `${code} is your code`,
        subjectSecrets: [code],
        text: `Open ${url} or type ${code}.`,
        html: `<a href="${url}">${code}</a>`,
        kind,
        mode: "test",
      });
      const raw = await rawRows({ id: email.id });
      expectNoneAtRest(raw, [token, url, code]);
      expect(raw).toContain(`${MASK} is your code`);
      const [row] = await db.select().from(emails).where(eq(emails.id, email.id));
      expect(openEmail(row)).toEqual({
        subject: `${code} is your code`,
        text: `Open ${url} or type ${code}.`,
        html: `<a href="${url}">${code}</a>`,
      });
    }
  });

  it("holds no sign-in link, invitation link, claim code or claim link after each is sent for real", async () => {
    const secrets: string[] = [];

    const signInToken = randomBytes(32).toString("hex");
    const signInUrl = `http://localhost:3000/api/auth/callback/nodemailer?callbackUrl=%2Fdashboard&token=${signInToken}&email=ada%40acme.test`;
    await sendSignInEmail({ to: "ada@acme.test", url: signInUrl, expires: new Date() });
    secrets.push(signInToken, signInUrl);

    const { member, org, payoutIds } = await organisationWithClaimablePayouts(db, [
      { email: "rae@example.com", name: "Rae", country: "US", externalId: "r1", amount: 1_000n },
    ]);
    const invited = await createInvitation(db, member, { email: "fin@acme.test", role: "finance" });
    await sendInvitationEmail({
      invitation: invited.invitation,
      url: invited.url,
      organisationName: org.name,
      invitedBy: "owner@acme.test",
    });
    secrets.push(invited.token, invited.url);

    const link = await reissueClaimLink(db, member, payoutIds[0] as string);
    secrets.push(link.url, link.url.split("/c/")[1] as string);

    const claim = await insertClaimablePayout(db, { email: "cody@example.com" });
    const codes: string[] = [];
    const sent = await sendClaimCode(db, {
      token: claim.token,
      ip: "203.0.113.7",
      locale: "en",
      deliver: async (mail, tx) => {
        codes.push(mail.code);
        await emailClaimCode(mail, tx);
      },
    });
    expect(sent.status).toBe("sent");
    secrets.push(...codes, claim.token);

    const kinds = await db.selectDistinct({ kind: emails.kind }).from(emails);
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining(["sign_in", "invitation", "invite", "claim_code"]),
    );
    expectNoneAtRest(await rawRows(), secrets);
  });
});
