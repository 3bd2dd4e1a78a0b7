import { isAppError } from "@/lib/errors";
import { logError } from "@/lib/log";

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

export const idleState: ActionState = { ok: false };

/**
 * Maps a thrown error to the form's state. Domain errors carry a message meant for
 * people; anything else is logged and shown as a generic failure, never its details.
 */
export function failureState(error: unknown): ActionState {
  if (isAppError(error)) {
    const fieldErrors = Object.fromEntries(error.fieldErrors.map((f) => [f.path, f.message]));
    return { ok: false, message: error.message, fieldErrors, at: Date.now() };
  }
  logError("dashboard action failed", error);
  return {
    ok: false,
    message: "Something went wrong. Nothing was changed; try again.",
    at: Date.now(),
  };
}

export function successState(message: string, extra: Partial<ActionState> = {}): ActionState {
  return { ok: true, message, at: Date.now(), ...extra };
}
