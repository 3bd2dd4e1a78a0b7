import { type Finding, nameFindingKey } from "./findings";
import type { NameIndex } from "./name-index";
import { screenName } from "./name-index";
import { sanctionedPlace } from "./sanctioned-countries";
import type { ComplianceSettings } from "./settings";

export type ScreenedParty = { name: string | null; country: string; region?: string | null };

/**
 * Screening of one party: the exact country and region blocks, then the name against
 * every current list. A match scoring at least the review threshold wants a human, at
 * least the block threshold blocks; findings the organisation already cleared for this
 * recipient (`cleared` keys) are left out.
 */
export function screenParty(
  index: NameIndex,
  party: ScreenedParty,
  thresholds: Pick<ComplianceSettings, "reviewThreshold" | "blockThreshold">,
  cleared: ReadonlySet<string> = new Set(),
): Finding[] {
  const findings: Finding[] = [];
  const place = sanctionedPlace({ country: party.country, region: party.region });
  if (place) {
    findings.push({
      rule: "sanctioned_place",
      outcome: "block",
      code: place.kind === "country" ? "sanctioned_country" : "sanctioned_region",
      place,
    });
  }
  if (party.name?.trim()) {
    for (const match of screenName(
      index,
      { name: party.name, country: party.country },
      thresholds.reviewThreshold,
    )) {
      const key = nameFindingKey(match);
      if (cleared.has(key)) continue;
      findings.push({
        rule: "sanctions_list",
        outcome: match.score >= thresholds.blockThreshold ? "block" : "review",
        code: "sanctions_list_match",
        match,
        screenedName: party.name,
        key,
      });
    }
  }
  return findings;
}
