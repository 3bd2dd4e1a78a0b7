"use server";

import { headers } from "next/headers";
import { redirect, unstable_rethrow } from "next/navigation";
import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/app/auth";
import { signInRefusal } from "@/lib/http/same-origin";
import { safeCallbackUrl } from "./callback-url";

export type SignInState = { error?: string; email?: string };

const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));

export async function sendMagicLink(_prev: SignInState, form: FormData): Promise<SignInState> {
  // Next lets a server action through when its Origin matches its Host, but the sender
  // chooses both; a sign-in must start from a page of APP_URL, addressed to APP_URL.
  const refused = signInRefusal(await headers());
  if (refused) return { error: refused };
  const email = emailSchema.safeParse(form.get("email"));
  if (!email.success)
    return { error: "Enter a valid email address.", email: String(form.get("email") ?? "") };
  try {
    // Auth.js would redirect through its own /api/auth/verify-request route; going to
    // the page directly keeps the client router on one navigation.
    await signIn("nodemailer", {
      email: email.data,
      redirectTo: safeCallbackUrl(form.get("callbackUrl")),
      redirect: false,
    });
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof AuthError) {
      console.error("sign-in email failed", error.cause ?? error.type);
      return {
        error: "We could not send the sign-in email. Try again in a moment.",
        email: email.data,
      };
    }
    throw error;
  }
  redirect("/login/check-email");
}

export async function signInWithProvider(form: FormData): Promise<void> {
  const provider = form.get("provider");
  if (provider !== "github" && provider !== "google") return;
  if (signInRefusal(await headers())) return;
  await signIn(provider, { redirectTo: safeCallbackUrl(form.get("callbackUrl")) });
}
