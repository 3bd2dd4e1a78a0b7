import { z } from "zod";

/*
 * The W-9 and W-8BEN as the claim page asks them, as zod schemas shared by the browser
 * (react-hook-form validates with them) and the server (which parses with them again and
 * is the one that counts). Plain TypeScript and zod only: this module ships to the client.
 * Messages are message keys under `claim.tax.errors` in messages/*.json.
 */

export const taxFormErrors = {
  required: "tax.errors.required",
  nameInvalid: "tax.errors.name_invalid",
  entityTypeInvalid: "tax.errors.entity_type_invalid",
  tinTypeInvalid: "tax.errors.tin_type_invalid",
  ssnInvalid: "tax.errors.ssn_invalid",
  einInvalid: "tax.errors.ein_invalid",
  stateInvalid: "tax.errors.state_invalid",
  zipInvalid: "tax.errors.zip_invalid",
  countryInvalid: "tax.errors.country_invalid",
  usAddressNotAllowed: "tax.errors.us_address_not_allowed",
  foreignTinInvalid: "tax.errors.foreign_tin_invalid",
  noTinReasonRequired: "tax.errors.no_tin_reason_required",
  dateOfBirthInvalid: "tax.errors.date_of_birth_invalid",
  treatyIncomplete: "tax.errors.treaty_incomplete",
  certifyRequired: "tax.errors.certify_required",
  signatureMismatch: "tax.errors.signature_mismatch",
} as const;

/** The revisions the pages show and the signature record names. */
export const formVersions = {
  w9: "W-9 (Rev. March 2024)",
  w8ben: "W-8BEN (Rev. October 2021)",
} as const;

/** W-9 line 3a, with the LLC's tax classification spelled out. */
export const entityTypes = [
  "individual",
  "c_corporation",
  "s_corporation",
  "partnership",
  "trust_estate",
  "llc_c",
  "llc_s",
  "llc_p",
  "other",
] as const;
export type EntityType = (typeof entityTypes)[number];

/** States, DC, territories and military post codes, as the IRS accepts them. */
export const usStates = [
  ..."AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split(
    " ",
  ),
  ..."DC AS GU MP PR VI AA AE AP".split(" "),
] as const;

const text = (max: number) =>
  z
    .string({ error: taxFormErrors.required })
    .trim()
    .min(1, { error: taxFormErrors.required, abort: true })
    .max(max, taxFormErrors.nameInvalid);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, taxFormErrors.nameInvalid)
    .optional()
    .transform((v) => (v ? v : undefined));

/** A person's or business's name: letters, not digits alone, no markup. */
const legalName = text(100).regex(/^[^<>{}\d][^<>{}]*$/u, taxFormErrors.nameInvalid);

const digitsOf = (value: string) => value.replace(/[\s-]/g, "");

/**
 * An SSN or ITIN, by the rules the SSA and IRS publish (there is no check digit): nine
 * digits; an SSN's area is not 000, 666 or 900–999, its group not 00, its serial not 0000;
 * an ITIN starts with 9 and has a group of 50–65, 70–88, 90–92 or 94–99.
 */
export function isValidSsnOrItin(value: string): boolean {
  const digits = digitsOf(value);
  if (!/^\d{9}$/.test(digits)) return false;
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area >= 900) {
    return (
      (group >= 50 && group <= 65) ||
      (group >= 70 && group <= 88) ||
      (group >= 90 && group <= 92) ||
      group >= 94
    );
  }
  return area !== 0 && area !== 666 && group !== 0 && serial !== 0;
}

/** EIN prefixes the IRS has never assigned (it publishes the ones it uses per campus). */
const unassignedEinPrefixes = new Set([
  0, 7, 8, 9, 17, 18, 19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97,
]);

/** An EIN: nine digits whose two-digit prefix the IRS assigns. */
export function isValidEin(value: string): boolean {
  const digits = digitsOf(value);
  return /^\d{9}$/.test(digits) && !unassignedEinPrefixes.has(Number(digits.slice(0, 2)));
}

/** Two-letter country codes the platform's Intl knows; `ZZ` and the like are refused. */
export function isCountryCode(value: string): boolean {
  if (!/^[A-Z]{2}$/.test(value) || ["ZZ", "EU", "UN", "XX", "QO"].includes(value)) return false;
  try {
    return (
      new Intl.DisplayNames(["en"], { type: "region", fallback: "none" }).of(value) !== undefined
    );
  } catch {
    return false;
  }
}

const country = z
  .string({ error: taxFormErrors.required })
  .trim()
  .toUpperCase()
  .refine(isCountryCode, taxFormErrors.countryInvalid);

const certification = z.literal(true, { error: taxFormErrors.certifyRequired });

/** The typed signature is the name on the form, give or take case and spacing. */
const sameName = (a: unknown, b: unknown) =>
  typeof a !== "string" ||
  typeof b !== "string" ||
  a.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase() ===
    b.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();

/**
 * The cross-field checks run even when a field failed, so the recipient sees every
 * problem at once; they look only at fields that parsed.
 */
const everyProblemAtOnce = {
  when: (payload: { value: unknown }) =>
    typeof payload.value === "object" && payload.value !== null,
};

/** Form W-9: a U.S. person's name, classification, TIN, address and certification. */
export const w9Schema = z
  .object({
    name: legalName,
    businessName: optionalText(100),
    entityType: z.enum(entityTypes, { error: taxFormErrors.entityTypeInvalid }),
    tinType: z.enum(["ssn", "ein"], { error: taxFormErrors.tinTypeInvalid }),
    tin: text(20),
    addressLine1: text(100),
    addressLine2: optionalText(100),
    city: text(60),
    state: z
      .string({ error: taxFormErrors.required })
      .trim()
      .toUpperCase()
      .refine((s) => (usStates as readonly string[]).includes(s), taxFormErrors.stateInvalid),
    postalCode: z
      .string({ error: taxFormErrors.required })
      .trim()
      .regex(/^\d{5}(-?\d{4})?$/, taxFormErrors.zipInvalid),
    certify: certification,
    signatureName: text(100),
  })
  .superRefine((form, ctx) => {
    const valid =
      typeof form.tin !== "string" ||
      (form.tinType === "ssn" && isValidSsnOrItin(form.tin)) ||
      (form.tinType === "ein" && isValidEin(form.tin)) ||
      (form.tinType !== "ssn" && form.tinType !== "ein");
    if (!valid) {
      ctx.addIssue({
        code: "custom",
        path: ["tin"],
        message: form.tinType === "ssn" ? taxFormErrors.ssnInvalid : taxFormErrors.einInvalid,
      });
    }
    if (!sameName(form.signatureName, form.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["signatureName"],
        message: taxFormErrors.signatureMismatch,
      });
    }
  }, everyProblemAtOnce)
  .transform((form) => ({ ...form, tin: digitsOf(form.tin) }));

export type W9Input = z.input<typeof w9Schema>;
export type W9 = z.output<typeof w9Schema>;

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date, in the past, after 1900. */
export function isPlausibleBirthDate(value: string, today = new Date()): boolean {
  const match = isoDate.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 10) === value &&
    Number(match[1]) >= 1900 &&
    date.getTime() < today.getTime()
  );
}

/** Form W-8BEN: a foreign individual's status, address, foreign TIN and optional treaty claim. */
export const w8benSchema = z
  .object({
    name: legalName,
    citizenship: country,
    addressLine1: text(100),
    addressLine2: optionalText(100),
    city: text(60),
    region: optionalText(60),
    postalCode: optionalText(20),
    country,
    foreignTin: optionalText(30),
    noTinReason: optionalText(200),
    dateOfBirth: z.string({ error: taxFormErrors.required }).trim(),
    claimTreaty: z.boolean().default(false),
    treatyCountry: optionalText(2),
    treatyArticle: optionalText(20),
    treatyRate: optionalText(10),
    treatyIncomeType: optionalText(100),
    certify: certification,
    signatureName: text(100),
  })
  .superRefine((form, ctx) => {
    // Part I, line 3: a permanent residence address outside the United States.
    if (form.country === "US") {
      ctx.addIssue({
        code: "custom",
        path: ["country"],
        message: taxFormErrors.usAddressNotAllowed,
      });
    }
    if (
      typeof form.foreignTin === "string" &&
      !/^[A-Za-z0-9][A-Za-z0-9 ./-]{2,28}[A-Za-z0-9]$/.test(form.foreignTin)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["foreignTin"],
        message: taxFormErrors.foreignTinInvalid,
      });
    }
    if (!form.foreignTin && !form.noTinReason) {
      ctx.addIssue({
        code: "custom",
        path: ["noTinReason"],
        message: taxFormErrors.noTinReasonRequired,
      });
    }
    if (typeof form.dateOfBirth !== "string" || !isPlausibleBirthDate(form.dateOfBirth)) {
      ctx.addIssue({
        code: "custom",
        path: ["dateOfBirth"],
        message: taxFormErrors.dateOfBirthInvalid,
      });
    }
    if (form.claimTreaty) {
      for (const field of [
        "treatyCountry",
        "treatyArticle",
        "treatyRate",
        "treatyIncomeType",
      ] as const) {
        if (!form[field]) {
          ctx.addIssue({ code: "custom", path: [field], message: taxFormErrors.treatyIncomplete });
        }
      }
      if (
        typeof form.treatyCountry === "string" &&
        form.treatyCountry &&
        !isCountryCode(form.treatyCountry.toUpperCase())
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["treatyCountry"],
          message: taxFormErrors.countryInvalid,
        });
      }
    }
    if (!sameName(form.signatureName, form.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["signatureName"],
        message: taxFormErrors.signatureMismatch,
      });
    }
  }, everyProblemAtOnce)
  .transform((form) => ({
    ...form,
    foreignTin: form.foreignTin?.replace(/\s+/g, ""),
    treatyCountry: form.treatyCountry?.toUpperCase(),
  }));

export type W8benInput = z.input<typeof w8benSchema>;
export type W8ben = z.output<typeof w8benSchema>;

export type TaxFormKind = keyof typeof formVersions;

export function taxFormSchemaFor(kind: TaxFormKind) {
  return kind === "w9" ? w9Schema : w8benSchema;
}

/**
 * How a TIN is shown anywhere but the export: its last four characters behind the
 * shape of its kind. The full number never leaves the vault.
 */
export function maskTin(tinType: string | null, last4: string | null): string {
  if (!last4) return "—";
  if (tinType === "ssn") return `•••-••-${last4}`;
  if (tinType === "ein") return `••-•••${last4}`;
  return `••••${last4}`;
}
