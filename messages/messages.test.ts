import { describe, expect, it } from "vitest";
import { charityIds } from "@/lib/methods/charities";
import { detailErrors } from "@/lib/methods/details/fields";
import { pixKeyTypes } from "@/lib/methods/details/local-rail-details";
import { methodIds, speedMessageKeys } from "@/lib/methods/types";
import de from "./de.json";
import en from "./en.json";
import es from "./es.json";
import fr from "./fr.json";
import hi from "./hi.json";
import ptBR from "./pt-BR.json";

type Messages = { [key: string]: string | Messages };

const translations: Record<string, Messages> = { es, fr, de, "pt-BR": ptBR, hi };

function flatten(messages: Messages, prefix = ""): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = `${prefix}${key}`;
    if (typeof value === "string") flat.set(path, value);
    else for (const [k, v] of flatten(value, `${path}.`)) flat.set(k, v);
  }
  return flat;
}

/**
 * ICU argument names: `{amount}` and the `{count, plural, …}` kind; `#` and literals don't
 * count, nor a plural branch's text (`, =1 {tomorrow}` and `} other {…}` open branches,
 * not arguments).
 */
function placeholders(message: string): string[] {
  const argument =
    /(?<![,}]\s*(?:=\d+|zero|one|two|few|many|other)\s*)\{\s*([A-Za-z_][\w]*)\s*[,}]/g;
  return [...message.matchAll(argument)].map((m) => m[1] ?? "").sort();
}

/**
 * Values that are the same in every language: brand and scheme names, acronyms of
 * identifiers, and organisations known by one name everywhere.
 */
const sameInEveryLanguage = new Set([
  ...["paypal", "venmo", "interac", "pix", "upi", "mpesa", "gcash"].map(
    (m) => `claim.methods.options.${m}.name`,
  ),
  "claim.details.sepa.iban",
  "claim.details.pix.options.cpf",
  "claim.details.pix.options.cnpj",
  "claim.details.charity.options.givedirectly",
  "claim.details.charity.options.unicef",
  "claim.details.charity.options.wwf",
  "claim.details.charity.options.wikimedia",
]);

const english = flatten(en);

describe("claim messages", () => {
  it.each(Object.entries(translations))("%s has exactly the English keys", (_, messages) => {
    expect([...flatten(messages).keys()].sort()).toEqual([...english.keys()].sort());
  });

  it.each(Object.entries(translations))("%s translates every message", (_, messages) => {
    const untranslated = [...flatten(messages)]
      .filter(([key, value]) => value === english.get(key) && !sameInEveryLanguage.has(key))
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });

  it.each(Object.entries(translations))(
    "%s keeps every placeholder of the English",
    (_, messages) => {
      for (const [key, value] of flatten(messages)) {
        expect(placeholders(value), key).toEqual(placeholders(english.get(key) ?? ""));
      }
    },
  );

  it("uses only allow-listed identical values that really are identical", () => {
    for (const key of sameInEveryLanguage) expect(english.has(key), key).toBe(true);
  });

  it("has a message for every error a details schema can give", () => {
    // The claim page translates schema errors in the `claim` namespace.
    for (const key of Object.values(detailErrors))
      expect(english.has(`claim.${key}`), key).toBe(true);
  });

  it("names and describes every method, speed, Pix key type and charity", () => {
    for (const id of methodIds) {
      expect(english.has(`claim.methods.options.${id}.name`), id).toBe(true);
      expect(english.has(`claim.methods.options.${id}.description`), id).toBe(true);
    }
    for (const key of Object.values(speedMessageKeys)) expect(english.has(key), key).toBe(true);
    for (const type of pixKeyTypes) {
      expect(english.has(`claim.details.pix.options.${type}`), type).toBe(true);
    }
    for (const id of charityIds) {
      expect(english.has(`claim.details.charity.options.${id}`), id).toBe(true);
    }
  });
});
