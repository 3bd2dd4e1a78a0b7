/**
 * Items of one request (or rows of one campaign file) that name the same recipient by
 * `external_id` must describe the same person. Otherwise one of them silently wins, and a
 * typo in one row sends that person's money to someone else. The first item to give a
 * detail is the reference; a later item that gives it differently is refused, naming the
 * field and the reference. A name left out is not a different name.
 */
export type RecipientDetails = { email: string; name?: string | null; country: string };
export type DetailField = "email" | "name" | "country";
export type DetailConflict = { field: DetailField; firstAt: number };

type Seen = { value: string; at: number };

const comparable: Record<DetailField, (value: string) => string> = {
  email: (value) => value.toLowerCase(),
  name: (value) => value.toLowerCase(),
  country: (value) => value,
};

/**
 * A checker fed the items in order (`at` is the caller's index or row number): it answers
 * how an item differs from what earlier items said about the same `external_id`.
 */
export function recipientConflicts() {
  const seen = new Map<string, Partial<Record<DetailField, Seen>>>();
  return (at: number, externalId: string, details: RecipientDetails): DetailConflict[] => {
    const reference = seen.get(externalId) ?? {};
    const conflicts: DetailConflict[] = [];
    const fresh: Partial<Record<DetailField, Seen>> = {};
    for (const field of ["email", "name", "country"] as const) {
      const value: unknown = details[field];
      // An item that failed its own schema may carry anything here; it has its error.
      if (typeof value !== "string" || !value) continue;
      const first = reference[field];
      if (!first) fresh[field] = { value, at };
      else if (comparable[field](first.value) !== comparable[field](value)) {
        conflicts.push({ field, firstAt: first.at });
      }
    }
    // A conflicting item is refused, so it sets no reference for later ones.
    if (conflicts.length === 0) seen.set(externalId, { ...reference, ...fresh });
    return conflicts;
  };
}

/**
 * `Row 3 has the same external_id "cr-7" with a different email and country`, for a
 * message; `place` names an index the caller's way ("Row 3", "Item 0"), capitalised.
 */
export function describeConflicts(
  externalId: string,
  conflicts: DetailConflict[],
  place: (at: number) => string,
): string {
  const byPlace = new Map<number, DetailField[]>();
  for (const { field, firstAt } of conflicts) {
    byPlace.set(firstAt, [...(byPlace.get(firstAt) ?? []), field]);
  }
  return [...byPlace]
    .map(
      ([at, fields]) =>
        `${place(at)} has the same external_id "${externalId}" with a different ${listOf(fields)}`,
    )
    .join("; ");
}

function listOf(words: string[]): string {
  return words.length > 1
    ? `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`
    : (words[0] ?? "");
}
