import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth, oauthProviders } from "@/app/auth";
import { config } from "@/lib/config";
import { signInWithProvider } from "./actions";
import { safeCallbackUrl } from "./callback-url";
import { MagicLinkForm } from "./magic-link-form";

export const metadata: Metadata = { title: "Sign in" };

const errorMessages: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one below.",
  OAuthAccountNotLinked:
    "This email already signs in with a magic link. Use the email form, then connect the provider.",
  AccessDenied: "Access was denied.",
  Configuration: "Sign-in is not configured correctly on this server.",
};

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const session = await auth();
  if (session?.user?.id) redirect(callbackUrl);
  const providers = oauthProviders();
  const error = params.error ? (errorMessages[params.error] ?? "Sign-in failed. Try again.") : null;
  const c = config();

  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <p className="text-center text-2xl font-bold tracking-tight text-indigo-700">Disburse</p>
        <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold text-slate-900">Sign in to the dashboard</h1>
          <p className="mt-1 text-sm text-slate-600">
            We email you a link that signs you in. No password to remember.
          </p>
          {error ? (
            <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {error}
            </p>
          ) : null}
          <div className="mt-6">
            <MagicLinkForm callbackUrl={callbackUrl} />
          </div>
          {providers.length > 0 ? (
            <div className="mt-6 space-y-2 border-t border-slate-200 pt-6">
              {providers.map((p) => (
                <form key={p.id} action={signInWithProvider}>
                  <input type="hidden" name="provider" value={p.id} />
                  <input type="hidden" name="callbackUrl" value={callbackUrl} />
                  <button
                    type="submit"
                    className="w-full rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
                  >
                    Continue with {p.name}
                  </button>
                </form>
              ))}
            </div>
          ) : null}
        </div>
        {!c.SMTP_URL && c.DEV_MAILBOX ? (
          <p className="mt-4 text-center text-sm text-slate-600">
            No SMTP is configured: sign-in links arrive in the{" "}
            <a className="font-medium text-indigo-700 underline" href="/dev/mailbox">
              dev mailbox
            </a>
            .
          </p>
        ) : null}
      </div>
    </main>
  );
}
