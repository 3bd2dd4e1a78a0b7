import { unstable_rethrow } from "next/navigation";
import { after } from "next/server";
import type { ActionState } from "@/components/dashboard/action-state";
import { relayEvents } from "@/inngest/relay";
import type { MemberContext } from "@/lib/auth/member-context";
import type { Action } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { failureState } from "./action-state";
import { currentMode, requireMember } from "./member";

/**
 * Wraps a server action body: the guard runs first, on the server, with the
 * organisation the form was rendered for (its hidden `organisationId`), so a member
 * without the role, or a form naming another organisation, is refused before any work;
 * so is a form rendered in the other mode (its hidden `mode`).
 */
export function memberAction(
  action: Action,
  body: (member: MemberContext, form: FormData) => Promise<ActionState>,
) {
  return async (_previous: ActionState, form: FormData): Promise<ActionState> => {
    try {
      const organisationId = form.get("organisationId");
      const member = await requireMember(
        action,
        typeof organisationId === "string" && organisationId ? organisationId : null,
      );
      // A page rendered in test mode must not act in live mode because another tab
      // switched the mode in between (or the other way round).
      const mode = form.get("mode");
      if (typeof mode === "string" && mode && mode !== (await currentMode())) {
        throw new AppError(
          "conflict",
          `This page was opened in ${mode} mode and you have since switched modes. Reload it and try again.`,
        );
      }
      // Whatever events the action commits reach Inngest once the response is sent, not
      // at the next sweep; registered first because a body may end by redirecting.
      after(relayEvents);
      return await body(member, form);
    } catch (error) {
      // redirect() and notFound() work by throwing; they must pass through untouched.
      unstable_rethrow(error);
      return failureState(error);
    }
  };
}
