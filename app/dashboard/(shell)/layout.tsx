import Link from "next/link";
import { MemberFrame } from "@/components/dashboard/member-frame";
import { ModeSwitch } from "@/components/dashboard/mode-switch";
import { navItems } from "@/components/dashboard/nav-items";
import { OrgSwitcher } from "@/components/dashboard/org-switcher";
import { SidebarNav } from "@/components/dashboard/sidebar-nav";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "../_lib/member";
import { signOutAction, switchMode, switchOrganisation } from "../shell-actions";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const member = await requirePageMember("dashboard.view");
  const items = navItems
    .filter((i) => can(member.role, i.action))
    .map(({ href, label }) => ({ href, label }));
  return (
    <div className="min-h-dvh">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      {member.mode === "test" ? (
        <div className="bg-amber-400 px-4 py-1 text-center text-xs font-semibold text-slate-950">
          TEST MODE · payouts go through the sandbox and no real money moves
        </div>
      ) : (
        <div className="bg-emerald-700 px-4 py-1 text-center text-xs font-semibold text-white">
          LIVE MODE · real money
        </div>
      )}
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-3 px-4 py-3">
          <Link href="/dashboard" className="text-lg font-bold tracking-tight text-indigo-700">
            Disburse
          </Link>
          <span aria-hidden className="text-slate-300">
            /
          </span>
          <OrgSwitcher
            current={member.organisation.id}
            memberships={member.memberships}
            action={switchOrganisation}
          />
          <div className="ml-auto flex items-center gap-3">
            <ModeSwitch mode={member.mode} action={switchMode} />
            <span
              className="hidden text-sm text-slate-600 sm:inline"
              title={`Role: ${member.role}`}
            >
              {member.user.email} · {member.role}
            </span>
            <form action={signOutAction}>
              <button type="submit" className="text-sm font-medium text-slate-700 underline">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 lg:flex-row">
        <aside className="lg:w-48 lg:shrink-0">
          <SidebarNav items={items} />
        </aside>
        <main id="main" className="min-w-0 flex-1">
          <MemberFrame value={{ organisationId: member.organisation.id, mode: member.mode }}>
            {children}
          </MemberFrame>
        </main>
      </div>
    </div>
  );
}
