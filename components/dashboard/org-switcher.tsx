"use client";

import { useRef } from "react";

export function OrgSwitcher({
  current,
  memberships,
  action,
}: {
  current: string;
  memberships: { organisationId: string; name: string; role: string }[];
  action: (form: FormData) => Promise<void>;
}) {
  const form = useRef<HTMLFormElement>(null);
  if (memberships.length < 2) {
    return (
      <span className="truncate text-sm font-semibold text-slate-900">
        {memberships.find((m) => m.organisationId === current)?.name}
      </span>
    );
  }
  return (
    <form ref={form} action={action} className="flex items-center gap-2">
      <label htmlFor="org-switcher" className="sr-only">
        Organisation
      </label>
      <select
        id="org-switcher"
        name="organisationId"
        defaultValue={current}
        onChange={() => form.current?.requestSubmit()}
        className="max-w-48 truncate rounded-md border border-slate-300 bg-white py-1.5 pr-8 pl-2 text-sm font-semibold text-slate-900"
      >
        {memberships.map((m) => (
          <option key={m.organisationId} value={m.organisationId}>
            {m.name} ({m.role})
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="text-sm underline">
          Switch
        </button>
      </noscript>
    </form>
  );
}
