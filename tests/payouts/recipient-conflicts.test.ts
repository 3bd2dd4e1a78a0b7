import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { recipients } from "@/db/schema";
import { parseOrThrow } from "@/lib/api/validation";
import { createBatch, createBatchBodySchema } from "@/lib/batches/create-batch";
import { type AppError, isAppError } from "@/lib/errors";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { fund, insertOrganisation, rowCounts } from "./fixtures";

type Recipient = { email: string; country: string; external_id?: string; name?: string };

const item = (recipient: Recipient, amount = 100) => ({ recipient, amount });
const batchBody = (items: unknown[]) => ({ name: "March creators", currency: "USD", items });

/** The field errors a refusal carries, as `path: message`. */
function errorsOf(error: unknown): string[] {
  expect(isAppError(error, "validation_failed")).toBe(true);
  return (error as AppError).fieldErrors.map((e) => `${e.path}: ${e.message}`);
}

const refusal = (run: () => unknown) =>
  Promise.resolve()
    .then(run)
    .then(
      () => null,
      (error) => error,
    );

async function storedRecipients(organisationId: string) {
  return db
    .select({ externalId: recipients.externalId, email: recipients.email, name: recipients.name })
    .from(recipients)
    .where(eq(recipients.organisationId, organisationId))
    .orderBy(recipients.externalId);
}

describe("items naming one recipient differently", () => {
  it("refuses each item of a batch whose external_id repeats with another email, name or country", async () => {
    const items = [
      item({ email: "maya@example.com", name: "Maya", country: "US", external_id: "cr-1" }),
      item({ email: "lukas@example.com", country: "DE", external_id: "cr-2" }),
      item({ email: "maya@exmaple.com", country: "US", external_id: "cr-1" }),
      // Another amount: the same recipient and amount again would be a duplicate item.
      item({ email: "MAYA@example.com", name: "Maya", country: "US", external_id: "cr-1" }, 101),
      item({ email: "lukas@example.com", name: "Lukas", country: "AT", external_id: "cr-2" }),
      item({ email: "maya@example.com", name: "Maria", country: "US", external_id: "cr-1" }),
    ];

    const error = await refusal(() =>
      parseOrThrow(createBatchBodySchema, batchBody(items), "body"),
    );

    // Case does not make another address; a name left out is not another name.
    expect(errorsOf(error)).toEqual([
      'items.2.recipient.email: Item 0 has the same external_id "cr-1" with a different email',
      'items.4.recipient.country: Item 1 has the same external_id "cr-2" with a different country',
      'items.5.recipient.name: Item 0 has the same external_id "cr-1" with a different name',
    ]);
  });

  it("writes nothing for such a batch, even past the request schema", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 10_000n);
    const before = await rowCounts(db, scope.organisationId);
    // createCampaign hands createBatch its items without the request schema.
    const body = {
      ...createBatchBodySchema.parse(batchBody([item({ email: "a@example.com", country: "US" })])),
      items: [
        item({ email: "a@example.com", country: "US", external_id: "cr-1" }),
        item({ email: "b@example.com", country: "US", external_id: "cr-1" }),
      ].map((i) => ({ ...i, amount: 100n })),
    };

    const error = await refusal(() => createBatch(db, scope, body));

    expect(errorsOf(error)).toEqual([
      'items.1.recipient.email: The recipient at items.0.recipient has the same external_id "cr-1" with a different email',
    ]);
    expect(await rowCounts(db, scope.organisationId)).toEqual(before);
  });
});

describe("an item naming an existing recipient with another email", () => {
  it("is refused in a batch and in a single payout alike, and the stored email stays", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 10_000n);
    await createBatch(
      db,
      scope,
      createBatchBodySchema.parse(
        batchBody([
          item({ email: "maya@example.com", name: "Maya", country: "US", external_id: "cr-1" }),
          item({ email: "lukas@example.com", country: "DE", external_id: "cr-2" }),
        ]),
      ),
    );
    const before = await rowCounts(db, scope.organisationId);

    const batch = await refusal(() =>
      createBatch(
        db,
        scope,
        createBatchBodySchema.parse(
          batchBody([
            item({ email: "lukas@example.com", country: "DE", external_id: "cr-2" }),
            item({ email: "new@example.com", country: "US" }),
            item({ email: "attacker@example.com", country: "US", external_id: "cr-1" }),
          ]),
        ),
      ),
    );
    expect(errorsOf(batch)).toEqual([
      'items.2.recipient.email: "cr-1" is an existing recipient with a different email',
    ]);
    expect((batch as AppError).message).toContain("PATCH /v1/recipients/{id}");

    const single = await refusal(() =>
      createPayout(
        db,
        scope,
        createPayoutBodySchema.parse({
          recipient: { email: "attacker@example.com", country: "US", external_id: "cr-1" },
          amount: 100,
          currency: "USD",
        }),
      ),
    );
    expect(errorsOf(single)).toEqual([
      'recipient.email: "cr-1" is an existing recipient with a different email',
    ]);

    expect(await rowCounts(db, scope.organisationId)).toEqual(before);
    expect(await storedRecipients(scope.organisationId)).toEqual([
      { externalId: "cr-1", email: "maya@example.com", name: "Maya" },
      { externalId: "cr-2", email: "lukas@example.com", name: null },
    ]);
  });

  it("still pays an existing recipient under their email in another case, refreshing name and country", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 10_000n);
    const first = await createPayout(
      db,
      scope,
      createPayoutBodySchema.parse({
        recipient: { email: "Maya@Example.com", country: "US", external_id: "cr-1" },
        amount: 100,
        currency: "USD",
      }),
    );
    const { payoutIds } = await createBatch(
      db,
      scope,
      createBatchBodySchema.parse(
        batchBody([
          item({
            email: "maya@example.com",
            name: "Maya Chen",
            country: "CA",
            external_id: "cr-1",
          }),
        ]),
      ),
    );

    expect(payoutIds).toHaveLength(1);
    const [stored] = await db.select().from(recipients).where(eq(recipients.id, first.recipientId));
    expect(stored).toMatchObject({ email: "Maya@Example.com", name: "Maya Chen", country: "CA" });
  });
});
