import type { ActionState } from "@/components/dashboard/action-state";
import { isAppError } from "@/lib/errors";
import { logError } from "@/lib/log";

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
