import { describe, expect, it } from "vitest";
import { formatMoney } from "@/lib/money";
import {
  claimExpiredEmail,
  claimInviteEmail,
  claimReceiptEmail,
  emailLocale,
} from "./claim-emails";

const brand = {
  name: "Acme Creators",
  primaryColor: "#4f46e5",
  logoUrl: null,
  supportEmail: "help@acme.test",
};

describe("the recipient's emails", () => {
  it("invite a recipient with a platform-given fr-CA locale in French, amounts and dates written the Canadian way", () => {
    const locale = emailLocale(null, { locale: "fr-CA", country: "CA" });
    expect(locale).toBe("fr-CA");
    const mail = claimInviteEmail({
      locale,
      brand,
      recipientName: "Élodie",
      amount: formatMoney({ amount: 123456n, currency: "CAD" }, locale),
      claimUrl: "https://pay.example/c/x",
      expiresAt: new Date("2026-03-14T12:00:00Z"),
      message: null,
    });
    expect(mail.subject).toBe("Acme Creators vous a envoyé 1\u00a0234,56\u00a0$");
    expect(mail.text).toContain("14 mars 2026");
    expect(mail.html).toContain('<html lang="fr">');
    expect(mail.text).toContain("help@acme.test");
  });

  it("derive the language from the country when the platform gave none", () => {
    expect(emailLocale(null, { locale: null, country: "MX" })).toBe("es-MX");
    expect(emailLocale(null, { locale: null, country: "US" })).toBe("en-US");
    // The language the recipient last read the claim in wins for later emails.
    expect(emailLocale("hi-IN", { locale: "es-US", country: "US" })).toBe("hi-IN");
  });

  it("tell an expired payout's recipient in Hindi, with the way to ask for a new link", () => {
    const mail = claimExpiredEmail({
      locale: "hi-IN",
      brand,
      recipientName: null,
      amount: formatMoney({ amount: 250000n, currency: "INR" }, "hi-IN"),
      claimUrl: "https://pay.example/c/x",
      expiredAt: new Date("2026-03-14T12:00:00Z"),
    });
    expect(mail.html).toContain('<html lang="hi">');
    expect(mail.text).toContain("₹2,500.00");
    expect(mail.text).toContain("https://pay.example/c/x");
  });

  it("name a gift card's brand on the receipt, and how it arrives and is redeemed", () => {
    const mail = claimReceiptEmail({
      locale: "en-US",
      organisation: "Acme Creators",
      supportEmail: "help@acme.test",
      amount: "$10.13",
      method: "Gift card",
      reference: "pay_1",
      paidAt: new Date("2026-03-14T12:00:00Z"),
      giftCard: { brand: "Amazon.com", deliveredTo: "rui@example.com" },
    });
    expect(mail.text).toContain("Acme Creators paid you $10.13 with a gift card from Amazon.com.");
    expect(mail.text).toContain("separate email to rui@example.com");
    expect(mail.text).toContain("enter the code at checkout with Amazon.com");
  });
});
