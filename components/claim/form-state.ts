/** What the review step's confirm returns when it does not move on to the status page. */
export type ConfirmState = {
  /** Field path → message in the recipient's language, when the server disagreed with the details. */
  fieldErrors?: Record<string, string>;
  message?: string;
  at: number;
} | null;
