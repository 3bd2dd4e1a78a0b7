import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { isValidAbaRoutingNumber } from "./aba-routing";
import {
  sepaDetailsSchema,
  ukFasterPaymentsDetailsSchema,
  usAchDetailsSchema,
} from "./bank-details";
import { isValidCnpj, isValidCpf } from "./brazil-tax-ids";
import { detailErrors } from "./fields";
import { checkSepaIban, hasValidIbanChecksum, normalizeIban } from "./iban";
import {
  gcashDetailsSchema,
  mpesaDetailsSchema,
  pixDetailsSchema,
  upiDetailsSchema,
} from "./local-rail-details";
import {
  charityDetailsSchema,
  giftCardDetailsSchema,
  giftCardDetailsSchemaFor,
  prepaidVisaDetailsSchema,
} from "./reward-details";
import { interacDetailsSchema, paypalDetailsSchema, venmoDetailsSchema } from "./wallet-details";

/** The message key of a failed parse for each field; a field must get exactly one. */
function errorsOf(schema: z.ZodType, input: unknown): Record<string, string> {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.join(".");
    if (path in errors)
      throw new Error(`${path} got two messages: ${errors[path]}, ${issue.message}`);
    errors[path] = issue.message;
  }
  return errors;
}

function parsed(schema: z.ZodType, input: unknown): unknown {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new Error(`expected ${JSON.stringify(input)} to pass: ${result.error.message}`);
  }
  return result.data;
}

describe("IBAN", () => {
  it("accepts valid IBANs typed with spaces and in lower case", () => {
    expect(normalizeIban("de89 3704 0044 0532 0130 00")).toBe("DE89370400440532013000");
    expect(checkSepaIban("DE89370400440532013000")).toBe("valid");
    expect(checkSepaIban("GB82WEST12345698765432")).toBe("valid");
    expect(checkSepaIban("FR1420041010050500013M02606")).toBe("valid");
  });

  it("rejects a wrong check digit, a typo and a wrong length", () => {
    expect(hasValidIbanChecksum("DE88370400440532013000")).toBe(false);
    expect(checkSepaIban("DE89370400440532013001")).toBe("invalid");
    expect(checkSepaIban("DE8937040044053201300")).toBe("invalid");
  });

  it("tells a valid IBAN outside SEPA from an invalid one", () => {
    // Brazil issues IBANs, but its banks are not SEPA members.
    expect(checkSepaIban("BR1800360305000010009795493C1")).toBe("not_sepa");
  });
});

describe("ABA routing numbers", () => {
  it("accepts numbers whose check digit matches", () => {
    expect(isValidAbaRoutingNumber("011000015")).toBe(true);
    expect(isValidAbaRoutingNumber("021000021")).toBe(true);
  });

  it("rejects a wrong check digit, an impossible prefix, zeros and wrong lengths", () => {
    expect(isValidAbaRoutingNumber("011000016")).toBe(false);
    expect(isValidAbaRoutingNumber("991000015")).toBe(false);
    expect(isValidAbaRoutingNumber("000000000")).toBe(false);
    expect(isValidAbaRoutingNumber("01100001")).toBe(false);
  });
});

describe("Brazilian tax ids", () => {
  it("checks CPF and CNPJ check digits", () => {
    expect(isValidCpf("52998224725")).toBe(true);
    expect(isValidCpf("52998224726")).toBe(false);
    expect(isValidCpf("11111111111")).toBe(false);
    expect(isValidCnpj("11222333000181")).toBe(true);
    expect(isValidCnpj("11222333000182")).toBe(false);
  });
});

describe("US ACH details", () => {
  const good = {
    accountHolderName: "Jane Doe",
    routingNumber: "011000015",
    accountNumber: "000123456789",
    accountType: "checking",
  };

  it("accepts a valid account", () => {
    expect(parsed(usAchDetailsSchema, good)).toEqual(good);
  });

  it("names each bad field with a message key", () => {
    expect(
      errorsOf(usAchDetailsSchema, {
        accountHolderName: "J",
        routingNumber: "011000016",
        accountNumber: "12",
        accountType: "brokerage",
      }),
    ).toEqual({
      accountHolderName: detailErrors.accountHolderNameInvalid,
      routingNumber: detailErrors.routingNumberInvalid,
      accountNumber: detailErrors.usAccountNumberInvalid,
      accountType: detailErrors.accountTypeInvalid,
    });
  });

  it("says required for missing and blank fields", () => {
    expect(
      errorsOf(usAchDetailsSchema, { accountHolderName: "  ", accountType: "savings" }),
    ).toEqual({
      accountHolderName: detailErrors.required,
      routingNumber: detailErrors.required,
      accountNumber: detailErrors.required,
    });
  });
});

describe("SEPA details", () => {
  it("normalises the IBAN", () => {
    expect(
      parsed(sepaDetailsSchema, {
        accountHolderName: "Max Mustermann",
        iban: "DE89 3704 0044 0532 0130 00",
      }),
    ).toEqual({ accountHolderName: "Max Mustermann", iban: "DE89370400440532013000" });
  });

  it("rejects a bad checksum and a non-SEPA IBAN with different keys", () => {
    expect(
      errorsOf(sepaDetailsSchema, { accountHolderName: "Max", iban: "DE89370400440532013001" }),
    ).toEqual({ iban: detailErrors.ibanInvalid });
    expect(
      errorsOf(sepaDetailsSchema, {
        accountHolderName: "Max",
        iban: "BR1800360305000010009795493C1",
      }),
    ).toEqual({ iban: detailErrors.ibanCountryUnsupported });
  });
});

describe("UK Faster Payments details", () => {
  it("accepts a sort code with dashes and an 8-digit account number", () => {
    expect(
      parsed(ukFasterPaymentsDetailsSchema, {
        accountHolderName: "Ada Lovelace",
        sortCode: "20-00-00",
        accountNumber: "55779911",
      }),
    ).toEqual({ accountHolderName: "Ada Lovelace", sortCode: "200000", accountNumber: "55779911" });
  });

  it("rejects a 5-digit sort code and a 7-digit account number", () => {
    expect(
      errorsOf(ukFasterPaymentsDetailsSchema, {
        accountHolderName: "Ada Lovelace",
        sortCode: "20000",
        accountNumber: "5577991",
      }),
    ).toEqual({
      sortCode: detailErrors.sortCodeInvalid,
      accountNumber: detailErrors.ukAccountNumberInvalid,
    });
  });
});

describe("PayPal details", () => {
  it("recognises an email and an international phone number", () => {
    expect(parsed(paypalDetailsSchema, { account: " Jane@Example.com " })).toEqual({
      account: "jane@example.com",
      accountType: "email",
    });
    expect(parsed(paypalDetailsSchema, { account: "+44 7700 900123" })).toEqual({
      account: "+447700900123",
      accountType: "phone",
    });
  });

  it("rejects a phone number without its country code and a bare name", () => {
    expect(errorsOf(paypalDetailsSchema, { account: "07700 900123" })).toEqual({
      account: detailErrors.paypalAccountInvalid,
    });
    expect(errorsOf(paypalDetailsSchema, { account: "jane" })).toEqual({
      account: detailErrors.paypalAccountInvalid,
    });
    expect(errorsOf(paypalDetailsSchema, {})).toEqual({ account: detailErrors.required });
  });
});

describe("Venmo details", () => {
  it("recognises a handle, an email and a US mobile number", () => {
    expect(parsed(venmoDetailsSchema, { account: "@jane-doe_42" })).toEqual({
      account: "@jane-doe_42",
      accountType: "handle",
    });
    expect(parsed(venmoDetailsSchema, { account: "jane@example.com" })).toMatchObject({
      accountType: "email",
    });
    expect(parsed(venmoDetailsSchema, { account: "(212) 555-0123" })).toEqual({
      account: "+12125550123",
      accountType: "phone",
    });
  });

  it("rejects a too-short handle and a non-US number", () => {
    expect(errorsOf(venmoDetailsSchema, { account: "@jd" })).toEqual({
      account: detailErrors.venmoAccountInvalid,
    });
    expect(errorsOf(venmoDetailsSchema, { account: "+44 7700 900123" })).toEqual({
      account: detailErrors.venmoAccountInvalid,
    });
  });
});

describe("Interac details", () => {
  it("takes an email or a Canadian number", () => {
    expect(parsed(interacDetailsSchema, { account: "+1 416 555 0199" })).toEqual({
      account: "+14165550199",
      accountType: "phone",
    });
    expect(parsed(interacDetailsSchema, { account: "sam@example.ca" })).toMatchObject({
      accountType: "email",
    });
  });

  it("rejects a number that cannot be North American", () => {
    expect(errorsOf(interacDetailsSchema, { account: "416 055 0199" })).toEqual({
      account: detailErrors.interacContactInvalid,
    });
  });
});

describe("Pix details", () => {
  it("normalises each kind of key", () => {
    expect(parsed(pixDetailsSchema, { keyType: "cpf", key: "529.982.247-25" })).toEqual({
      keyType: "cpf",
      key: "52998224725",
    });
    expect(parsed(pixDetailsSchema, { keyType: "cnpj", key: "11.222.333/0001-81" })).toEqual({
      keyType: "cnpj",
      key: "11222333000181",
    });
    expect(parsed(pixDetailsSchema, { keyType: "phone", key: "(11) 91234-5678" })).toEqual({
      keyType: "phone",
      key: "+5511912345678",
    });
    expect(parsed(pixDetailsSchema, { keyType: "email", key: "Ana@Exemplo.com.br" })).toEqual({
      keyType: "email",
      key: "ana@exemplo.com.br",
    });
    expect(
      parsed(pixDetailsSchema, { keyType: "random", key: "123E4567-E89B-42D3-A456-426614174000" }),
    ).toEqual({ keyType: "random", key: "123e4567-e89b-42d3-a456-426614174000" });
  });

  it("rejects a key that does not match its type", () => {
    expect(errorsOf(pixDetailsSchema, { keyType: "cpf", key: "529.982.247-26" })).toEqual({
      key: detailErrors.pixCpfInvalid,
    });
    expect(errorsOf(pixDetailsSchema, { keyType: "cnpj", key: "52998224725" })).toEqual({
      key: detailErrors.pixCnpjInvalid,
    });
    expect(errorsOf(pixDetailsSchema, { keyType: "phone", key: "(11) 3123-4567" })).toEqual({
      key: detailErrors.pixPhoneInvalid,
    });
    expect(errorsOf(pixDetailsSchema, { keyType: "random", key: "not-a-uuid" })).toEqual({
      key: detailErrors.pixRandomKeyInvalid,
    });
    expect(errorsOf(pixDetailsSchema, { keyType: "iban", key: "x" })).toEqual({
      keyType: detailErrors.pixKeyTypeInvalid,
    });
  });
});

describe("UPI details", () => {
  it("accepts a VPA in any case", () => {
    expect(parsed(upiDetailsSchema, { vpa: "Priya.Sharma@okhdfcbank" })).toEqual({
      vpa: "priya.sharma@okhdfcbank",
    });
    expect(parsed(upiDetailsSchema, { vpa: "9876543210@ybl" })).toEqual({ vpa: "9876543210@ybl" });
  });

  it("rejects an address without a handle or with two @", () => {
    expect(errorsOf(upiDetailsSchema, { vpa: "priya" })).toEqual({
      vpa: detailErrors.upiVpaInvalid,
    });
    expect(errorsOf(upiDetailsSchema, { vpa: "a@b@ybl" })).toEqual({
      vpa: detailErrors.upiVpaInvalid,
    });
  });
});

describe("M-Pesa details", () => {
  it("turns local and international Safaricom numbers into E.164", () => {
    expect(parsed(mpesaDetailsSchema, { phone: "0712 345 678" })).toEqual({
      phone: "+254712345678",
    });
    expect(parsed(mpesaDetailsSchema, { phone: "+254 110 123 456" })).toEqual({
      phone: "+254110123456",
    });
  });

  it("rejects a landline range and a foreign number", () => {
    expect(errorsOf(mpesaDetailsSchema, { phone: "020 123 4567" })).toEqual({
      phone: detailErrors.mpesaPhoneInvalid,
    });
    expect(errorsOf(mpesaDetailsSchema, { phone: "+255712345678" })).toEqual({
      phone: detailErrors.mpesaPhoneInvalid,
    });
  });
});

describe("GCash details", () => {
  it("turns a Philippine mobile number into E.164", () => {
    expect(parsed(gcashDetailsSchema, { phone: "0917 123 4567" })).toEqual({
      phone: "+639171234567",
    });
    expect(parsed(gcashDetailsSchema, { phone: "+63 917 123 4567" })).toEqual({
      phone: "+639171234567",
    });
  });

  it("rejects a landline", () => {
    expect(errorsOf(gcashDetailsSchema, { phone: "02 8123 4567" })).toEqual({
      phone: detailErrors.gcashPhoneInvalid,
    });
  });
});

describe("gift card, prepaid Visa and charity details", () => {
  it("accepts only brands sold in the recipient's country", () => {
    expect(parsed(giftCardDetailsSchemaFor("DE"), { brand: "zalando_de" })).toEqual({
      brand: "zalando_de",
    });
    expect(errorsOf(giftCardDetailsSchemaFor("DE"), { brand: "target" })).toEqual({
      brand: detailErrors.giftCardBrandInvalid,
    });
    expect(errorsOf(giftCardDetailsSchemaFor("KE"), { brand: "target" })).toEqual({
      brand: detailErrors.giftCardBrandInvalid,
    });
    expect(parsed(giftCardDetailsSchema, { brand: "target" })).toEqual({ brand: "target" });
    expect(errorsOf(giftCardDetailsSchema, { brand: "no_such_shop" })).toEqual({
      brand: detailErrors.giftCardBrandInvalid,
    });
  });

  it("needs an email for a prepaid Visa", () => {
    expect(parsed(prepaidVisaDetailsSchema, { email: "Jane@Example.com" })).toEqual({
      email: "jane@example.com",
    });
    expect(errorsOf(prepaidVisaDetailsSchema, { email: "jane@" })).toEqual({
      email: detailErrors.emailInvalid,
    });
  });

  it("needs a charity from the list", () => {
    expect(parsed(charityDetailsSchema, { charityId: "msf" })).toEqual({ charityId: "msf" });
    expect(errorsOf(charityDetailsSchema, { charityId: "my_own_fund" })).toEqual({
      charityId: detailErrors.charityInvalid,
    });
  });
});
