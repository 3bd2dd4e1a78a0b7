/** Shared class lists, so every step's buttons and fields look and focus alike. */
export const primaryButton =
  "inline-flex min-h-12 w-full items-center justify-center rounded-lg bg-(--claim-primary) px-4 py-3 text-base font-semibold text-(--claim-on-primary) hover:opacity-90 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-(--claim-primary-text) disabled:opacity-60";

export const secondaryButton =
  "inline-flex min-h-12 w-full items-center justify-center rounded-lg border border-slate-400 bg-white px-4 py-3 text-base font-medium text-slate-900 hover:bg-slate-50 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-(--claim-primary-text) disabled:opacity-60";

export const textLink =
  "font-medium text-(--claim-primary-text) underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-(--claim-primary-text)";

export const inputField =
  "min-h-12 w-full rounded-lg border border-slate-500 bg-white px-3 text-base text-slate-900 focus:outline-3 focus:outline-offset-1 focus:outline-(--claim-primary-text) aria-[invalid=true]:border-red-700";

export const errorText = "text-sm font-medium text-red-800";
