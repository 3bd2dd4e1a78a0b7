"use client";

import { usePathname } from "next/navigation";
import type { Mode } from "@/db/schema";

/**
 * Test/live toggle, always on screen: a two-button group in a form, so its state is
 * announced (aria-pressed) and it works before hydration too.
 */
export function ModeSwitch({
  mode,
  action,
}: {
  mode: Mode;
  action: (form: FormData) => Promise<void>;
}) {
  const pathname = usePathname();
  return (
    <form action={action} className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
      <input type="hidden" name="returnTo" value={pathname} />
      <span className="sr-only">Mode:</span>
      {(["test", "live"] as const).map((m) => (
        <button
          key={m}
          type="submit"
          name="mode"
          value={m}
          aria-pressed={mode === m}
          className={`rounded px-3 py-1 text-sm font-medium ${
            mode === m
              ? m === "test"
                ? "bg-amber-400 text-slate-950"
                : "bg-emerald-700 text-white"
              : "text-slate-700 hover:bg-slate-100"
          }`}
        >
          {m === "test" ? "Test mode" : "Live mode"}
        </button>
      ))}
    </form>
  );
}
