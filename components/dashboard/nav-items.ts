import type { Action } from "@/lib/auth/permissions";

export type NavItem = { href: string; label: string; action: Action };

/** The sidebar, in the order a finance lead and a support agent reach for things. */
export const navItems: NavItem[] = [
  { href: "/dashboard", label: "Overview", action: "dashboard.view" },
  { href: "/dashboard/payouts", label: "Payouts", action: "payouts.view" },
  { href: "/dashboard/payouts/review", label: "Review queue", action: "payouts.review" },
  { href: "/dashboard/campaigns", label: "Campaigns", action: "campaigns.view" },
  { href: "/dashboard/funding", label: "Funding", action: "funding.view" },
  { href: "/dashboard/reports", label: "Reports", action: "reports.view" },
  { href: "/dashboard/tax", label: "Tax", action: "tax.view" },
  { href: "/dashboard/developers", label: "Developers", action: "developers.view" },
  { href: "/dashboard/branding", label: "Branding", action: "branding.manage" },
  { href: "/dashboard/team", label: "Team", action: "members.view" },
  { href: "/dashboard/settings", label: "Settings", action: "settings.manage" },
  { href: "/dashboard/verification", label: "Verification", action: "kyb.submit" },
  { href: "/dashboard/audit", label: "Audit log", action: "audit.view" },
];
