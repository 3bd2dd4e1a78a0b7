/** What the code step's actions return to their form: a notice to show, or nothing yet. */
export type FormNotice = { tone: "info" | "error"; message: string; at: number } | null;

/** What the review step's confirm returns when it does not move on to the status page. */
export type ConfirmState = {
  /** Field path → message in the recipient's language, when the server disagreed with the details. */
  fieldErrors?: Record<string, string>;
  message?: string;
  at: number;
} | null;
