import { z } from "zod";
import { examplePayout } from "@/lib/api/examples";
import { methodIdSchema } from "@/lib/methods/types";
import { lineOfTextSchema } from "@/lib/payouts/input-schemas";
import { payoutResourceSchema } from "@/lib/payouts/serialize";
import { defineOperation } from "../operation";
import { idParamsSchema } from "./common";

const tag = "Test helpers";

const reasonBody = (id: string, description: string) =>
  z
    .strictObject({
      reason: lineOfTextSchema.trim().min(1).max(500).optional().meta({ description }),
    })
    .meta({ id });

const testOnly =
  "Test mode only: a live key gets 404. Goes through the same state machine, checks and ledger movements as real life; nothing is written directly.";

export const claimPayoutHelperOperation = defineOperation({
  method: "POST",
  path: "/test_helpers/payouts/{id}/claim",
  operationId: "testHelperClaimPayout",
  tag,
  summary: "Claim a payout as its recipient",
  description: `Does what the recipient does on the claim page: chooses a method the page offers for this payout and gives its details, checked exactly as the page checks them (errors under \`details.\`). The payout becomes \`claimed\` and is submitted to the sandbox provider in the background, which answers by the amount's last two digits (docs/payout-methods.md). Works on a claimable payout, and again after a failure or return. ${testOnly}`,
  testModeOnly: true,
  params: idParamsSchema,
  body: z
    .strictObject({
      method: methodIdSchema,
      details: z
        .record(z.string(), z.unknown())
        // Stored as jsonb, which cannot hold NUL: refused here rather than by the database.
        .refine((d) => !JSON.stringify(d).includes("\\u0000"), "details without NUL characters")
        .default({})
        .meta({ description: "The method's details, as its claim form collects them" }),
    })
    .meta({ id: "TestHelperClaim" }),
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The claimed payout",
    example: {
      ...examplePayout,
      status: "claimed",
      method: "paypal",
      claimed_at: "2026-03-14T10:00:00.000Z",
    },
  },
  errors: ["invalid_state_transition"],
  example: { method: "paypal", details: { account: "ada@example.com", accountType: "email" } },
});

export const payPayoutHelperOperation = defineOperation({
  method: "POST",
  path: "/test_helpers/payouts/{id}/pay",
  operationId: "testHelperPayPayout",
  tag,
  summary: "Pay a claimed payout",
  description: `Answers a claimed (or processing) payout's submission as its provider would: paid. The background submission runs as usual, and the first answer recorded wins, so a payout the sandbox already decided is refused with 409 naming its status; claim an amount ending in 77 to keep the sandbox's own answer at \`processing\`. ${testOnly}`,
  testModeOnly: true,
  params: idParamsSchema,
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The paid payout",
    example: {
      ...examplePayout,
      status: "paid",
      method: "paypal",
      paid_at: "2026-03-14T10:00:05.000Z",
    },
  },
  errors: ["invalid_state_transition"],
});

export const failPayoutHelperOperation = defineOperation({
  method: "POST",
  path: "/test_helpers/payouts/{id}/fail",
  operationId: "testHelperFailPayout",
  tag,
  summary: "Fail a claimed payout",
  description: `Answers a claimed (or processing) payout's submission as its provider would: failed, with \`reason\` as its \`failure_reason\`. The funds are held again and the recipient may choose another method. The same race as \`pay\` applies. ${testOnly}`,
  testModeOnly: true,
  params: idParamsSchema,
  body: reasonBody("TestHelperFail", "The provider's reason, stored as `failure_reason`"),
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The failed payout",
    example: {
      ...examplePayout,
      status: "failed",
      method: "paypal",
      failure_reason: "test helper failure",
    },
  },
  errors: ["invalid_state_transition"],
  example: { reason: "account_closed" },
});

export const returnPayoutHelperOperation = defineOperation({
  method: "POST",
  path: "/test_helpers/payouts/{id}/return",
  operationId: "testHelperReturnPayout",
  tag,
  summary: "Return a paid payout",
  description: `The provider reports that a paid payout's money came back: \`returned\`, the funds held again for the recipient's next choice. ${testOnly}`,
  testModeOnly: true,
  params: idParamsSchema,
  body: reasonBody("TestHelperReturn", "The provider's reason, stored as `failure_reason`"),
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The returned payout",
    example: {
      ...examplePayout,
      status: "returned",
      method: "paypal",
      failure_reason: "test helper return",
    },
  },
  errors: ["invalid_state_transition"],
  example: { reason: "account_closed" },
});

export const expirePayoutHelperOperation = defineOperation({
  method: "POST",
  path: "/test_helpers/payouts/{id}/expire",
  operationId: "testHelperExpirePayout",
  tag,
  summary: "Expire a claimable payout",
  description: `The claim window passes now: \`expired\`, its link dead and its funds released. Reissue it to try again. ${testOnly}`,
  testModeOnly: true,
  params: idParamsSchema,
  response: {
    status: 200,
    schema: payoutResourceSchema,
    description: "The expired payout",
    example: { ...examplePayout, status: "expired" },
  },
  errors: ["invalid_state_transition"],
});

export const testClockResourceSchema = z
  .object({
    object: z.literal("test_clock"),
    livemode: z.literal(false),
    offset_seconds: z.int().nonnegative().meta({ description: "How far ahead of real time" }),
    now: z.iso.datetime({ offset: true }).meta({ description: "The clock's time" }),
    swept: z
      .object({
        expired_payouts: z.int().nonnegative(),
        reminders_sent: z.int().nonnegative(),
        provider_polls: z.int().nonnegative(),
      })
      .meta({ description: "What the sweeps did at the clock's new time" }),
  })
  .meta({ id: "TestClock" });

export const advanceClockOperation = defineOperation({
  method: "POST",
  path: "/test_helpers/clock/advance",
  operationId: "testHelperAdvanceClock",
  tag,
  summary: "Advance the test clock",
  description: `Moves your test mode's clock \`seconds\` ahead (it never goes back; at most ten years ahead in all) and runs, at its new time, what acts on time: claim links that expire by then expire (funds released, \`payout.expired\`), reminders due by then are sent, and provider polls and resubmissions happen. Afterwards the clock stays ahead: claim windows of links issued later start at the clock's time, and the scheduled expiry and reminder sweeps keep reading it. Live mode has no clock. ${testOnly}`,
  testModeOnly: true,
  body: z
    .strictObject({
      seconds: z
        .int("a whole number of seconds")
        .min(1, "at least 1 second")
        .max(366 * 86_400, "at most 366 days per call")
        .meta({ description: "How far to move the clock forward" }),
    })
    .meta({ id: "AdvanceTestClock" }),
  response: {
    status: 200,
    schema: testClockResourceSchema,
    description: "The clock",
    example: {
      object: "test_clock",
      livemode: false,
      offset_seconds: 2_592_000,
      now: "2026-04-13T09:12:00.000Z",
      swept: { expired_payouts: 3, reminders_sent: 0, provider_polls: 1 },
    },
  },
  errors: ["not_found"],
  example: { seconds: 30 * 86_400 },
});
