/** A UTC timestamp people can read and machines can parse; one format across the dashboard. */
export function Time({ at }: { at: Date }) {
  return (
    <time dateTime={at.toISOString()} className="tabular-nums whitespace-nowrap">
      {at.toISOString().slice(0, 16).replace("T", " ")} UTC
    </time>
  );
}
