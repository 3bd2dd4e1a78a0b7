import type { Role } from "@/db/schema";

export const roles = [
  "owner",
  "admin",
  "finance",
  "support",
  "developer",
] as const satisfies Role[];

export const roleDescriptions: Record<Role, string> = {
  owner: "Everything, including the team's owners",
  admin: "Everything except managing owners, approving email changes, reports and tax forms",
  finance:
    "Funding, campaigns and payouts; approves campaigns and email changes; reports and tax forms",
  support: "Finds payouts, resends links and asks for email corrections",
  developer: "API keys, webhooks and events",
};

/**
 * Who may do what. This table is the only place a role is interpreted; every page and
 * server action asks `can` through the one guard, so hiding a button is never the check.
 */
const permissions = {
  "dashboard.view": ["owner", "admin", "finance", "support", "developer"],
  "payouts.view": ["owner", "admin", "finance", "support", "developer"],
  "payouts.resend": ["owner", "admin", "finance", "support"],
  "payouts.reissue": ["owner", "admin", "finance", "support"],
  // Where the money goes: one member asks, a second one approves (lib/payouts/email-change.ts).
  "payouts.request_email_change": ["owner", "admin", "finance", "support"],
  "payouts.approve_email_change": ["owner", "finance"],
  "payouts.cancel": ["owner", "admin", "finance"],
  "payouts.review": ["owner", "admin", "finance"],
  "campaigns.view": ["owner", "admin", "finance", "support"],
  "campaigns.create": ["owner", "admin", "finance"],
  "campaigns.approve": ["owner", "admin", "finance"],
  "campaigns.cancel": ["owner", "admin", "finance"],
  "funding.view": ["owner", "admin", "finance"],
  "funding.deposit": ["owner", "admin", "finance"],
  "funding.thresholds": ["owner", "admin", "finance"],
  "developers.view": ["owner", "admin", "developer"],
  "api_keys.manage": ["owner", "admin", "developer"],
  "webhooks.manage": ["owner", "admin", "developer"],
  "events.view": ["owner", "admin", "developer", "support"],
  // Live provider credentials move real money: owners and admins connect them.
  "providers.view": ["owner", "admin", "finance", "developer"],
  "providers.manage": ["owner", "admin"],
  "branding.manage": ["owner", "admin"],
  "settings.manage": ["owner", "admin"],
  "members.view": ["owner", "admin", "finance", "support", "developer"],
  "members.manage": ["owner", "admin"],
  "audit.view": ["owner", "admin"],
  // The organisation's own business verification (KYB), which live mode needs.
  "kyb.submit": ["owner", "admin"],
  // Reports and tax forms hold every payee's money and, in the exports, their tax ids.
  "reports.view": ["owner", "finance"],
  "reports.create": ["owner", "finance"],
  "tax.view": ["owner", "finance"],
  "tax.manage": ["owner", "finance"],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;

export const actions = Object.keys(permissions) as Action[];

export function can(role: Role, action: Action): boolean {
  return (permissions[action] as readonly Role[]).includes(role);
}

/** Only an owner may create, promote to, demote or remove an owner. */
export function canAssignRole(actorRole: Role, target: Role): boolean {
  if (!can(actorRole, "members.manage")) return false;
  return target !== "owner" || actorRole === "owner";
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
