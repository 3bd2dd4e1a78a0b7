import type { NameMatch } from "./name-index";
import type { SanctionedPlace } from "./sanctioned-countries";

/**
 * What a rule found, with its outcome and reason code. Reason codes are what an
 * integrator sees (`GET /v1/payouts/{id}`); the rest is for the reviewer. `key` names
 * the finding so a reviewer's approval clears it for this recipient next time (a
 * limit hit has no key: each day is new).
 */
export type Finding =
  | {
      rule: "sanctioned_place";
      outcome: "block";
      code: "sanctioned_country" | "sanctioned_region";
      place: SanctionedPlace;
      key?: undefined;
    }
  | {
      rule: "sanctions_list";
      outcome: "review" | "block";
      code: "sanctions_list_match";
      match: NameMatch;
      /** The name screened: the recipient's, or a beneficial owner's. */
      screenedName: string;
      key: string;
    }
  | {
      rule: "velocity";
      outcome: "review";
      code: VelocityCode;
      currency: string | null;
      /** Minor units or a count, as a string. */
      limit: string;
      total: string;
      key?: undefined;
    }
  | {
      rule: "shared_destination";
      outcome: "review";
      code: "shared_destination";
      destination: string;
      otherRecipients: { id: string; name: string | null; email: string }[];
      key: string;
    };

export type VelocityCode =
  | "recipient_daily_amount"
  | "recipient_daily_count"
  | "recipient_monthly_amount"
  | "recipient_monthly_count"
  | "organisation_daily_amount";

export type Outcome = "pass" | "review" | "block";

export type Decision = { outcome: Outcome; reasonCodes: string[]; findings: Finding[] };

/** Block if any rule blocks, review if any wants a human, else pass. */
export function decide(findings: Finding[]): Decision {
  const outcome: Outcome = findings.some((f) => f.outcome === "block")
    ? "block"
    : findings.length > 0
      ? "review"
      : "pass";
  const relevant = outcome === "block" ? findings.filter((f) => f.outcome === "block") : findings;
  return { outcome, reasonCodes: [...new Set(relevant.map((f) => f.code))], findings };
}

export function nameFindingKey(match: NameMatch): string {
  return `name:${match.list.listName}:${match.entry.uid}`;
}

/** A one-line description of a finding, for the audit log and the queue's summary. */
export function describeFinding(f: Finding): string {
  switch (f.rule) {
    case "sanctioned_place":
      return `destination in ${f.place.name} (${f.place.code}), under comprehensive sanctions`;
    case "sanctions_list":
      return `"${f.screenedName}" resembles ${f.match.list.listName} entry ${f.match.entry.uid} "${f.match.matchedName}" (score ${f.match.score.toFixed(2)})`;
    case "velocity":
      return `limit ${f.code.replace(/_/g, " ")}: ${f.total} against a limit of ${f.limit}${f.currency ? ` ${f.currency}` : ""}`;
    case "shared_destination":
      return `${f.destination} also used by ${f.otherRecipients.length} other recipient(s)`;
  }
}
