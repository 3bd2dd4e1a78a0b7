import Link from "next/link";

const tabs = [
  { href: "/dashboard/developers", label: "API keys" },
  { href: "/dashboard/developers/webhooks", label: "Webhooks" },
  { href: "/dashboard/developers/events", label: "Events" },
  { href: "/dashboard/developers/providers", label: "Providers" },
];

export function DeveloperTabs({ current }: { current: string }) {
  return (
    <nav aria-label="Developers" className="mb-6 flex gap-1 border-b border-slate-200">
      {tabs.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={t.href === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
            t.href === current
              ? "border-indigo-600 text-indigo-800"
              : "border-transparent text-slate-600 hover:text-slate-900"
          }`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
