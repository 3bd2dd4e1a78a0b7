import { apiRoute } from "@/app/api/v1/api-route";
import { advanceClockOperation } from "@/lib/api/operations/test-helpers";
import { methodsNotAllowed } from "@/lib/api/unrouted";
import { advanceTestClock } from "@/lib/test-mode/payout-helpers";

export const POST = apiRoute(advanceClockOperation, async ({ db, scope, body }) => {
  const clock = await advanceTestClock(db, scope, body.seconds);
  return {
    object: "test_clock" as const,
    livemode: false as const,
    offset_seconds: clock.offsetSeconds,
    now: clock.now.toISOString(),
    swept: {
      expired_payouts: clock.expired,
      reminders_sent: clock.reminded,
      provider_polls: clock.polled,
    },
  };
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("POST");
