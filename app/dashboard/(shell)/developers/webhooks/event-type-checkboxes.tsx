import { subscribableEventTypes } from "@/lib/events/types";

export function EventTypeCheckboxes({ selected = [] }: { selected?: string[] }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">
        Events <span className="font-normal text-slate-500">(none ticked: every event)</span>
      </legend>
      <div className="mt-2 grid grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-1">
        {subscribableEventTypes.map((t) => (
          <label key={t} className="flex items-center gap-2 text-sm text-slate-800">
            <input
              type="checkbox"
              name="eventTypes"
              value={t}
              defaultChecked={selected.includes(t)}
              className="h-4 w-4 shrink-0"
            />
            <code className="min-w-0 break-all">{t}</code>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
