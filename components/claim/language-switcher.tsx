import { type Locale, localeNames, locales } from "@/i18n/locales";
import { setLocale } from "./set-locale";

/**
 * A plain form, so it works before (or without) JavaScript and adds nothing to the
 * bundle; changing the select alone does not submit (WCAG 3.2.2).
 */
export function LanguageSwitcher({
  current,
  label,
  submit,
}: {
  current: Locale | string;
  label: string;
  submit: string;
}) {
  return (
    <form action={setLocale} className="flex flex-wrap items-end gap-2">
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
