import { config } from "@/lib/config";
import { type Keyring, openWithKeyring, parseKeyring, sealWithKeyring } from "@/lib/crypto/keyring";

/**
 * Where taxpayer identification numbers are sealed and opened. A TIN is sealed with the
 * current key of TAX_ID_KEYS, bound to the row that holds it; the database keeps the
 * sealed value and the last four characters for masking. Only the tax exports open it.
 */

let cached: { spec: string; keyring: Keyring } | undefined;

export function taxIdKeyring(): Keyring {
  const spec = config().TAX_ID_KEYS;
  if (!spec) {
    throw new Error("TAX_ID_KEYS is not set; tax ids cannot be sealed or opened");
  }
  if (cached?.spec !== spec) cached = { spec, keyring: parseKeyring(spec, "TAX_ID_KEYS") };
  return cached.keyring;
}

/** Where a sealed TIN lives, so one copied to another row or column does not open there. */
export type TinHolder = { table: "tax_forms" | "organisation_tax_settings"; id: string };

const context = (holder: TinHolder) => `tin:${holder.table}:${holder.id}`;

export function sealTin(tin: string, holder: TinHolder, keyring = taxIdKeyring()): string {
  return sealWithKeyring(keyring, Buffer.from(tin, "utf8"), context(holder));
}

export function openTin(sealed: string, holder: TinHolder, keyring = taxIdKeyring()): string {
  return openWithKeyring(keyring, sealed, context(holder)).toString("utf8");
}

export function lastFour(tin: string): string {
  return tin.replace(/[^A-Za-z0-9]/g, "").slice(-4);
}
