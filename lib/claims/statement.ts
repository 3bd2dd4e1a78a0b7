import type postgres from "postgres";
import { sql as client, type DbOrTx } from "@/db/client";
import { writeRecipientStatement } from "@/lib/reports/generators/recipient-statement";
import type { FileSink } from "@/lib/reports/storage";
import { openClaim } from "./claim-flow";

/**
 * The verified recipient's statement of their payouts from this payer in `year`, as a
 * CSV byte stream written while it is read; null when the visitor has no session on this
 * link. The same writer as the `recipient_statement` report.
 */
export async function claimStatement(
  db: DbOrTx,
  input: { token: string; sessionToken?: string; year: number; client?: postgres.Sql },
): Promise<{ organisation: string; stream: ReadableStream<Uint8Array> } | null> {
  const view = await openClaim(db, input);
  if (view.kind !== "open" || !view.session) return null;
  const { claim } = view;
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const sink: FileSink = {
    async write(data) {
      await writer.ready;
      await writer.write(
        typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data),
      );
    },
    async close() {
      return { bytes: 0 };
    },
  };
  void writeRecipientStatement(
    {
      client: input.client ?? client(),
      scope: { organisationId: claim.payout.organisationId, mode: claim.payout.mode },
    },
    { recipientId: claim.recipient.id, year: input.year },
    sink,
  ).then(
    () => writer.close(),
    (error: unknown) => writer.abort(error),
  );
  return { organisation: claim.branding.name, stream: readable };
}
