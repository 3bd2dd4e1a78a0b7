import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/db/client";
import { config } from "@/lib/config";
import { listMailbox } from "@/lib/mail/mailbox";
import { currentMailboxViewer } from "./viewer";

export const metadata: Metadata = { title: "Dev mailbox" };
export const dynamic = "force-dynamic";

const PAGE = 50;
const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium" });

export default async function MailboxPage({
  searchParams,
}: {
  searchParams: Promise<{ before?: string; to?: string }>;
}) {
  if (!config().DEV_MAILBOX) notFound();
  const { before, to } = await searchParams;
  const viewer = await currentMailboxViewer();
  const { data, hasMore } = await listMailbox(db, viewer, { limit: PAGE, before, to });
  const older = hasMore ? data.at(-1)?.id : undefined;

  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-bold tracking-tight">Dev mailbox</h1>
      <p className="mt-1 text-sm text-slate-600">
        Test-mode mail the app would have sent, kept here for a day because no SMTP server is
        configured. Live-mode mail never appears here. {to ? `Showing mail to ${to}.` : null}
      </p>
      <p className="mt-1 text-sm text-slate-600">
        {viewer.member
          ? "You see your organisations’ mail and mail to your address."
          : "Not signed in: you see only the sign-in links this browser asked for. Sign in to read your organisation’s mail."}
      </p>
      {data.length === 0 ? (
        <p className="mt-8 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600">
          No mail yet.
        </p>
      ) : (
        <ul className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {data.map((email) => (
            <li key={email.id}>
              <Link
                href={`/dev/mailbox/${email.id}`}
                className="block px-4 py-3 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
              >
                <span className="flex flex-wrap items-baseline justify-between gap-x-4">
                  <span className="font-medium text-slate-900">{email.subject}</span>
                  <time dateTime={email.createdAt.toISOString()} className="text-xs text-slate-500">
                    {when.format(email.createdAt)}
                  </time>
                </span>
                <span className="mt-0.5 block text-sm text-slate-600">
                  To {email.to} · {email.kind}
                  {email.mode ? ` · ${email.mode} mode` : ""}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {older ? (
        <p className="mt-4">
          <Link
            href={`/dev/mailbox?before=${older}${to ? `&to=${encodeURIComponent(to)}` : ""}`}
            className="text-sm font-medium text-indigo-700 underline"
          >
            Older mail
          </Link>
        </p>
      ) : null}
    </main>
  );
}
