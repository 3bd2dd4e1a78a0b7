import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { organisations } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, changedFields, recordMemberAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";

const hexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "a colour like #4f46e5")
  .transform((c) => c.toLowerCase());

/** Logos are kept inline (no file store to run), so they are small raster or SVG images. */
export const MAX_LOGO_BYTES = 200 * 1024;
const logoTypes = ["image/png", "image/jpeg", "image/webp", "image/svg+xml"] as const;

export const brandingSchema = z.object({
  name: z.string().trim().min(2, "at least 2 characters").max(100, "at most 100 characters"),
  primaryColor: hexColor,
  accentColor: hexColor,
  claimMessage: z
    .string()
    .trim()
    .max(2_000, "at most 2,000 characters")
    .transform((v) => v || null),
  supportEmail: z
    .string()
    .trim()
    .transform((v) => v || null)
    .pipe(z.email("an email address").max(254).nullable()),
});
export type BrandingInput = z.input<typeof brandingSchema>;

/** A data: URL for an uploaded logo, after checking its type and size. */
export function logoDataUrl(file: { type: string; size: number; bytes: Uint8Array }): string {
  if (!(logoTypes as readonly string[]).includes(file.type)) {
    throw new AppError("validation_failed", "The logo must be a PNG, JPEG, WebP or SVG image.", {
      fieldErrors: [{ path: "logo", message: "PNG, JPEG, WebP or SVG" }],
    });
  }
  if (file.size > MAX_LOGO_BYTES) {
    throw new AppError("validation_failed", "The logo is larger than 200 KB.", {
      fieldErrors: [{ path: "logo", message: "at most 200 KB" }],
    });
  }
  return `data:${file.type};base64,${Buffer.from(file.bytes).toString("base64")}`;
}

export async function updateBranding(
  db: DbOrTx,
  member: ActingMember,
  input: BrandingInput,
  logo: { set: string } | { remove: true } | null,
) {
  const parsed = brandingSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("validation_failed", "Some branding fields are not valid.", {
      fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  const next = {
    ...parsed.data,
    ...(logo ? { logoUrl: "set" in logo ? logo.set : null } : {}),
  };
  return inTransaction(db, async (tx) => {
    const [before] = await tx
      .select()
      .from(organisations)
      .where(eq(organisations.id, member.scope.organisationId))
      .for("update");
    if (!before) throw new AppError("not_found", "No such organisation.");
    const [after] = await tx
      .update(organisations)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(organisations.id, member.scope.organisationId))
      .returning();
    const view = (o: typeof before) => ({
      name: o.name,
      primaryColor: o.primaryColor,
      accentColor: o.accentColor,
      claimMessage: o.claimMessage,
      supportEmail: o.supportEmail,
      // The image itself is not worth repeating in the log; whether it changed is.
      logo: o.logoUrl ? `${o.logoUrl.slice(0, 32)}… (${o.logoUrl.length} chars)` : null,
    });
    const diff = changedFields(view(before), view(after ?? before));
    if (Object.keys(diff.after).length > 0) {
      await recordMemberAudit(tx, member, {
        action: "branding.update",
        target: { type: "organisation", id: member.scope.organisationId },
        ...diff,
      });
    }
    return after;
  });
}
