import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { claimRateLimits, claimVerifications, emails } from "@/db/schema";
import { sendEmail } from "@/lib/mail";
import { insertClaimablePayout } from "@/tests/fixtures/claims";
import {
  CODE_TTL_SECONDS,
  checkClaimCode,
  claimCodeEmailKey,
  type DeliverCode,
  isClaimLinkLocked,
  MAX_FAILED_ATTEMPTS,
  RESEND_COOLDOWN_SECONDS,
  rateLimits,
  requestClaimCode,
} from "./verification";

beforeAll(() => {
  process.env.AUTH_SECRET ??= "test-secret-for-claim-codes-000000000000";
});

const ip = "203.0.113.7";

/** Records each code's email as the mailer does, in the transaction that issues the code. */
const deliver: DeliverCode = async (tx, mail) => {
  await sendEmail(
    {
      idempotencyKey: mail.idempotencyKey,
      to: "ada@example.com",
      subject: "Your code",
      text: `Your code is ${mail.code}.`,
      kind: "claim_code",
      mode: "test",
    },
    { db: tx },
  );
};
const later = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

async function sent(claimLinkId: string, now: Date, from = ip) {
  const outcome = await requestClaimCode(db, { claimLinkId, ip: from, now, deliver });
  if (outcome.status !== "sent") throw new Error(`expected a code, got ${outcome.status}`);
  return outcome;
}

function wrongCode(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

describe("claim codes", () => {
  it("issues a six-digit code that verifies once within ten minutes", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    const now = new Date();
    const { code, expiresAt } = await sent(claimLinkId, now);
    expect(code).toMatch(/^\d{6}$/);
    expect(expiresAt.getTime() - now.getTime()).toBe(CODE_TTL_SECONDS * 1000);

    expect(await checkClaimCode(db, { claimLinkId, code, ip, now: later(now, 60) })).toEqual({
      status: "verified",
    });
    // A used code is gone, and reusing it costs an attempt like any wrong code.
    expect(await checkClaimCode(db, { claimLinkId, code, ip, now: later(now, 61) })).toEqual({
      status: "invalid",
      attemptsLeft: MAX_FAILED_ATTEMPTS - 1,
    });
  });

  it("stores only a keyed hash of the code", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    const { code } = await sent(claimLinkId, new Date());
    const [row] = await db
      .select()
      .from(claimVerifications)
      .where(eq(claimVerifications.claimLinkId, claimLinkId));
    expect(row?.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.codeHash).not.toContain(code);
  });

  it("refuses an expired code with the same answer as a wrong one", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    const now = new Date();
    const { code } = await sent(claimLinkId, now);
    const expired = await checkClaimCode(db, {
      claimLinkId,
      code,
      ip,
      now: later(now, CODE_TTL_SECONDS + 1),
    });
    const wrong = await checkClaimCode(db, {
      claimLinkId,
      code: wrongCode(code),
      ip,
      now: later(now, 5),
    });
    expect(expired).toEqual({ status: "invalid", attemptsLeft: 4 });
    expect(wrong).toEqual({ status: "invalid", attemptsLeft: 3 });
  });

  it("locks the link on the fifth wrong code, even for the right code and a new one", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    const now = new Date();
    const { code } = await sent(claimLinkId, now);
    for (let i = 1; i < MAX_FAILED_ATTEMPTS; i++) {
      expect(await checkClaimCode(db, { claimLinkId, code: wrongCode(code), ip, now })).toEqual({
        status: "invalid",
        attemptsLeft: MAX_FAILED_ATTEMPTS - i,
      });
    }
    expect(await checkClaimCode(db, { claimLinkId, code: wrongCode(code), ip, now })).toEqual({
      status: "locked",
    });
    expect(await checkClaimCode(db, { claimLinkId, code, ip, now })).toEqual({ status: "locked" });
    expect(await requestClaimCode(db, { claimLinkId, ip, now: later(now, 3600), deliver })).toEqual(
      {
        status: "locked",
      },
    );
    expect(await isClaimLinkLocked(db, claimLinkId)).toBe(true);
  });

  it("keeps counting attempts across resent codes", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    let now = new Date();
    for (let i = 0; i < MAX_FAILED_ATTEMPTS - 1; i++) {
      const { code } = await sent(claimLinkId, now);
      await checkClaimCode(db, { claimLinkId, code: wrongCode(code), ip, now });
      now = later(now, RESEND_COOLDOWN_SECONDS);
    }
    const { code } = await sent(claimLinkId, now);
    expect(await checkClaimCode(db, { claimLinkId, code: wrongCode(code), ip, now })).toEqual({
      status: "locked",
    });
  });

  it("makes a resend wait thirty seconds and replaces the old code", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    const now = new Date();
    const first = await sent(claimLinkId, now);
    expect(await requestClaimCode(db, { claimLinkId, ip, now: later(now, 10), deliver })).toEqual({
      status: "cooldown",
      retryAfterSeconds: RESEND_COOLDOWN_SECONDS - 10,
    });
    const second = await sent(claimLinkId, later(now, RESEND_COOLDOWN_SECONDS));
    if (first.code !== second.code) {
      expect(
        (await checkClaimCode(db, { claimLinkId, code: first.code, ip, now: later(now, 31) }))
          .status,
      ).toBe("invalid");
    }
    expect(
      await checkClaimCode(db, { claimLinkId, code: second.code, ip, now: later(now, 32) }),
    ).toEqual({
      status: "verified",
    });
  });

  it("lets the recipient ask again at once when the last code's email was never recorded", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    const now = new Date();
    // A crash between the code's commit and its email (as before codes and their emails
    // committed together): the code row says "sent", no email says so.
    await db.insert(claimVerifications).values({
      claimLinkId,
      codeHash: "0".repeat(64),
      codeExpiresAt: later(now, CODE_TTL_SECONDS),
      lastSentAt: now,
    });
    const again = await sent(claimLinkId, later(now, 1));
    const [mail] = await db
      .select()
      .from(emails)
      .where(eq(emails.idempotencyKey, claimCodeEmailKey(claimLinkId, again.expiresAt)));
    expect(mail).toMatchObject({ kind: "claim_code", to: "ada@example.com" });
    expect(
      await checkClaimCode(db, { claimLinkId, code: again.code, ip, now: later(now, 2) }),
    ).toEqual({ status: "verified" });
  });

  it("commits no code when its email cannot be sent, so the recipient may ask again at once", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    const now = new Date();
    const failing: DeliverCode = async () => {
      throw new Error("451 4.3.0 try again later");
    };
    await expect(requestClaimCode(db, { claimLinkId, ip, now, deliver: failing })).rejects.toThrow(
      "451",
    );
    const [state] = await db
      .select()
      .from(claimVerifications)
      .where(eq(claimVerifications.claimLinkId, claimLinkId));
    expect(state?.lastSentAt ?? null).toBeNull();
    expect(state?.codeHash ?? null).toBeNull();
    const again = await sent(claimLinkId, later(now, 1));
    expect(
      await db
        .select()
        .from(emails)
        .where(eq(emails.idempotencyKey, claimCodeEmailKey(claimLinkId, again.expiresAt))),
    ).toHaveLength(1);
  });

  it("sends at most one code when many requests race", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    const now = new Date();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => requestClaimCode(db, { claimLinkId, ip, now, deliver })),
    );
    expect(outcomes.filter((o) => o.status === "sent")).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "cooldown")).toHaveLength(7);
  });

  it("limits code requests per link per hour", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    // Align to the start of an hour window so every request lands in the same window.
    let now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    for (let i = 0; i < rateLimits.sendsPerLink.limit; i++) {
      await sent(claimLinkId, now, `198.51.100.${i}`);
      now = later(now, RESEND_COOLDOWN_SECONDS);
    }
    const refused = await requestClaimCode(db, { claimLinkId, ip: "198.51.100.99", now, deliver });
    expect(refused.status).toBe("rate_limited");
    if (refused.status === "rate_limited") expect(refused.retryAfterSeconds).toBeGreaterThan(3000);
  });

  it("limits code requests per IP across links, storing the IP only as a hash", async () => {
    const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const attacker = "192.0.2.66";
    for (let i = 0; i < rateLimits.sendsPerIp.limit; i++) {
      const { claimLinkId } = await insertClaimablePayout(db);
      await sent(claimLinkId, now, attacker);
    }
    const { claimLinkId } = await insertClaimablePayout(db);
    expect((await requestClaimCode(db, { claimLinkId, ip: attacker, now, deliver })).status).toBe(
      "rate_limited",
    );
    expect(
      (await requestClaimCode(db, { claimLinkId, ip: "192.0.2.67", now, deliver })).status,
    ).toBe("sent");
    const keys = (await db.select({ key: claimRateLimits.key }).from(claimRateLimits)).map(
      (r) => r.key,
    );
    expect(keys.some((k) => k.includes(attacker))).toBe(false);
  });

  // Issue 19: offices and mobile carriers put many recipients behind one address; the
  // per-IP budget used to be 20 sends an hour, so the 21st recipient there was locked out.
  it("lets many first-time recipients behind one shared address each get their code", async () => {
    const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const office = "192.0.2.80";
    for (let i = 0; i < 30; i++) {
      const { claimLinkId } = await insertClaimablePayout(db);
      await sent(claimLinkId, now, office);
    }
  });

  it("limits one visitor's sends to one link without stopping the recipient elsewhere", async () => {
    const { claimLinkId } = await insertClaimablePayout(db);
    let now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    for (let i = 0; i < rateLimits.sendsPerLinkAndIp.limit; i++) {
      await sent(claimLinkId, now, "192.0.2.81");
      now = later(now, RESEND_COOLDOWN_SECONDS);
    }
    const refused = await requestClaimCode(db, { claimLinkId, ip: "192.0.2.81", now, deliver });
    expect(refused.status).toBe("rate_limited");
    if (refused.status === "rate_limited") expect(refused.retryAfterSeconds).toBeGreaterThan(3000);
    // The same recipient on their phone's network still gets a code.
    await sent(claimLinkId, now, "198.51.100.81");
  });

  it("limits code checks per IP across links", async () => {
    const now = new Date(Math.floor(Date.now() / 900_000) * 900_000);
    const attacker = "192.0.2.99";
    let checks = 0;
    while (checks < rateLimits.checksPerIp.limit) {
      const { claimLinkId } = await insertClaimablePayout(db);
      for (
        let i = 0;
        i < MAX_FAILED_ATTEMPTS - 1 && checks < rateLimits.checksPerIp.limit;
        i++, checks++
      ) {
        expect(
          (await checkClaimCode(db, { claimLinkId, code: "123456", ip: attacker, now })).status,
        ).toBe("invalid");
      }
    }
    const { claimLinkId } = await insertClaimablePayout(db);
    expect(
      (await checkClaimCode(db, { claimLinkId, code: "123456", ip: attacker, now })).status,
    ).toBe("rate_limited");
  });
});
