import type { Finding } from "@/lib/compliance/findings";

const pairedBy: Record<string, string> = {
  exact: "same word",
  spelling: "spelling",
  sound: "sounds alike",
  consonants: "same consonants",
  initial: "initial",
  joined: "written as one",
};

/** Why a payout was held, as a reviewer reads it: one block per finding. */
export function FindingExplanation({ finding }: { finding: Finding }) {
  switch (finding.rule) {
    case "sanctioned_place":
      return (
        <p>
          Destination in <strong>{finding.place.name}</strong> ({finding.place.code}), under
          comprehensive sanctions.
        </p>
      );
    case "velocity":
      return (
        <p>
          Limit <strong>{finding.code.replace(/_/g, " ")}</strong>: {finding.total}
          {finding.currency ? ` ${finding.currency} (minor units)` : ""} against a limit of{" "}
          {finding.limit}.
        </p>
      );
    case "shared_destination":
      return (
        <div>
          <p>
            <strong>{finding.destination}</strong> as {finding.otherRecipients.length} other
            recipient(s):
          </p>
          <ul className="ml-4 list-disc">
            {finding.otherRecipients.map((r) => (
              <li key={r.id}>
                {r.name ?? r.email} ({r.email})
              </li>
            ))}
          </ul>
        </div>
      );
    case "sanctions_list": {
      const m = finding.match;
      return (
        <div className="space-y-1">
          <p>
            <strong>{finding.screenedName}</strong> resembles <strong>{m.matchedName}</strong>
            {m.matchedAs === "primary" ? "" : ` (${m.matchedAs} of ${m.entry.name})`} on{" "}
            {m.list.listName}
            {m.list.fixture ? " — a fictional fixture list, not a sanctions list" : ""}, entry{" "}
            {m.entry.uid} ({m.entry.type ?? "type not given"}
            {m.entry.programs.length ? `; ${m.entry.programs.join(", ")}` : ""}).
          </p>
          <p>
            Score <strong>{m.score.toFixed(2)}</strong> (names {m.nameScore.toFixed(2)}
            {m.evidence.map((e) => `; ${e.delta > 0 ? "+" : ""}${e.delta.toFixed(2)} ${e.reason}`)}
            ).
          </p>
          <p className="text-slate-600">
            Compared “{m.comparedQuery}” with “{m.comparedEntry}”:{" "}
            {m.pairs
              .map(
                (p) =>
                  `${p.query} ↔ ${p.entry} (${pairedBy[p.by] ?? p.by}, ${p.similarity.toFixed(2)})`,
              )
              .join("; ")}
            {m.unpairedQuery.length ? `; unmatched here: ${m.unpairedQuery.join(", ")}` : ""}
            {m.unpairedEntry.length ? `; unmatched on the list: ${m.unpairedEntry.join(", ")}` : ""}
            {m.notes.length ? `; ${m.notes.join("; ")}` : ""}.
          </p>
        </div>
      );
    }
  }
}
