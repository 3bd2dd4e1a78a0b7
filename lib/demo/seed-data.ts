export const DEMO_ORGANISATION_SLUG = "acme-creators";
export const DEMO_ADMIN_EMAIL = "admin@acme.test";

export const demoOrganisation = {
  name: "Acme Creators",
  slug: DEMO_ORGANISATION_SLUG,
  logoUrl: "/acme-logo.svg",
  primaryColor: "#b4234d",
  accentColor: "#1f2937",
  claimMessage: "Thank you for creating with Acme this season. Here is your reward.",
  supportEmail: "support@acme.test",
};

/** Test-mode funding, in minor units. */
export const demoDeposits = [
  { currency: "USD", amount: 5_000_000n },
  { currency: "EUR", amount: 2_000_000n },
] as const;

export const demoPayouts = [
  {
    recipient: {
      email: "maya.chen@example.com",
      name: "Maya Chen",
      country: "US",
      external_id: "creator-1001",
    },
    amount: 2_500,
    currency: "USD",
    description: "October creator bonus",
  },
  {
    recipient: {
      email: "lukas.weber@example.com",
      name: "Lukas Weber",
      country: "DE",
      external_id: "creator-1002",
    },
    amount: 4_000,
    currency: "EUR",
    description: "Tutorial series royalties",
  },
  {
    recipient: {
      email: "amani.otieno@example.com",
      name: "Amani Otieno",
      country: "KE",
      external_id: "creator-1003",
    },
    amount: 1_500,
    currency: "USD",
    description: "Community challenge prize",
  },
] as const;
