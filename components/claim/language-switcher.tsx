import { type Locale, localeNames, locales } from "@/i18n/locales";

/**
 * A plain form posting to the claim link (which sets the language cookie and comes back
 * here), so it works without JavaScript and adds nothing to the bundle; changing the
 * select alone does not submit (WCAG 3.2.2).
 */
export function LanguageSwitcher({
  current,
  label,
  submit,
  action,
  back,
}: {
  current: Locale | string;
  label: string;
  submit: string;
  action: string;
  back: string;
}) {
  return (
    <form method="post" action={action} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="intent" value="locale" />
      <input type="hidden" name="back" value={back} />
      <label className="flex flex-col gap-1">
        <span>{label}</span>
        <select
          name="locale"
          defaultValue={current}
          className="min-h-11 rounded-md border border-slate-400 bg-white px-2 text-slate-900 focus:outline-2 focus:outline-offset-2 focus:outline-(--claim-primary-text)"
        >
          {locales.map((locale: Locale) => (
            <option key={locale} value={locale} lang={locale}>
              {localeNames[locale]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="submit"
        className="min-h-11 rounded-md border border-slate-400 bg-white px-3 font-medium text-slate-900 hover:bg-slate-100 focus:outline-2 focus:outline-offset-2 focus:outline-(--claim-primary-text)"
      >
        {submit}
      </button>
    </form>
  );
}
