/** What every dashboard server action returns to its form. */
export type ActionState = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  /** A value to show once (a new API key, a revealed secret). */
  secret?: string;
  /** Bumped on every submission, so the form can tell a new result from an old one. */
  at?: number;
};
