"use client";

import { useId } from "react";
import { FieldError, useFieldError } from "./action-form";

export type SelectOption = { value: string; label: string };

const sizes = {
  form: { label: "block text-sm font-medium text-slate-700", select: "px-3 py-2" },
  filter: { label: "block text-xs font-medium text-slate-600", select: "px-2 py-1.5" },
};

/**
 * The dashboard's one select: a label, the options (after an optional empty choice such as
 * "Any"), and the field's error when it sits in an `ActionForm`, announced as `Field`
 * announces its own. Outside an `ActionForm` there is never an error, so plain GET filter
 * forms use it too.
 */
export function SelectField({
  name,
  label,
  options,
  emptyOption,
  size = "form",
  labelHidden = false,
  id,
  ...select
}: {
  name: string;
  label: string;
  /** A bare string is both the value and the text. */
  options: readonly (string | SelectOption)[];
  /** The text of a leading option whose value is "". */
  emptyOption?: string;
  /** "form" in cards and action forms; "filter" in the list filter bars. */
  size?: keyof typeof sizes;
  labelHidden?: boolean;
} & Omit<
  React.SelectHTMLAttributes<HTMLSelectElement>,
  "name" | "size" | "children" | "className"
>) {
  // The same name can appear on a page more than once (a role per member), so no id from it.
  const generated = useId();
  const selectId = id ?? generated;
  const style = sizes[size];
  const error = useFieldError(name);
  return (
    <div>
      <label htmlFor={selectId} className={labelHidden ? "sr-only" : style.label}>
        {label}
      </label>
      <select
        id={selectId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        className={`${labelHidden ? "" : "mt-1 "}block w-full rounded-md border border-slate-300 bg-white text-sm text-slate-900 ${style.select}`}
        {...select}
      >
        {emptyOption === undefined ? null : <option value="">{emptyOption}</option>}
        {options.map((o) => {
          const { value, label: text } = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
      <FieldError name={name} />
    </div>
  );
}
