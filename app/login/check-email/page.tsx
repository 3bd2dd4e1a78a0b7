import type { Metadata } from "next";
import Link from "next/link";
import { config } from "@/lib/config";

export const metadata: Metadata = { title: "Check your email" };

// Whether to point at the dev mailbox depends on the running server's configuration,
// not the build machine's.
export const dynamic = "force-dynamic";

export default function CheckEmailPage() {
  const c = config();
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm">
        <h1 className="text-lg font-semibold text-slate-900">Check your email</h1>
        <p className="mt-2 text-sm text-slate-600">
          A sign-in link is on its way. It works once and expires in an hour.
        </p>
        {!c.SMTP_URL && c.DEV_MAILBOX ? (
          <p className="mt-4 text-sm">
            <a className="font-medium text-indigo-700 underline" href="/dev/mailbox">
              Open the dev mailbox
            </a>
          </p>
        ) : null}
        <p className="mt-6 text-sm">
          <Link className="text-slate-600 underline" href="/login">
            Use another address
          </Link>
        </p>
      </div>
    </main>
  );
}
