import { unstable_rethrow } from "next/navigation";
import type { MemberContext } from "@/lib/auth/member-context";
import type { Action } from "@/lib/auth/permissions";
import { type ActionState, failureState } from "./action-state";
import { requireMember } from "./member";

/**
 * Wraps a server action body: the guard runs first, on the server, with the
 * organisation the form was rendered for (its hidden `organisationId`), so a member
 * without the role, or a form naming another organisation, is refused before any work.
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
      return await body(member, form);
    } catch (error) {
      // redirect() and notFound() work by throwing; they must pass through untouched.
      unstable_rethrow(error);
      return failureState(error);
    }
  };
}
