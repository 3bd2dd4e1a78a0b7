import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/db/client";
import { config } from "@/lib/config";
import { openEmail } from "@/lib/mail";
import { getMailboxEmail } from "@/lib/mail/mailbox";
import { currentMailboxViewer } from "../viewer";

export const metadata: Metadata = { title: "Dev mailbox" };
export const dynamic = "force-dynamic";

export default async function MailboxEmailPage({ params }: { params: Promise<{ id: string }> }) {
  if (!config().DEV_MAILBOX) notFound();
  const { id } = await params;
  const email = await getMailboxEmail(db, await currentMailboxViewer(), id);
  if (!email) notFound();
  const content = openEmail(email);
  const subject = content?.subject ?? email.subject;

  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <p>
        <Link href="/dev/mailbox" className="text-sm font-medium text-indigo-700 underline">
          ← All mail
        </Link>
      </p>
      <h1 className="mt-4 text-xl font-bold tracking-tight">{subject}</h1>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">To</dt>
        <dd>{email.to}</dd>
        <dt className="text-slate-500">Kind</dt>
        <dd>{email.kind}</dd>
        <dt className="text-slate-500">Written</dt>
        <dd>
          <time dateTime={email.createdAt.toISOString()}>{email.createdAt.toISOString()}</time>
        </dd>
        <dt className="text-slate-500">Sent over SMTP</dt>
        <dd>{email.sentAt ? email.sentAt.toISOString() : "no (kept in the dev mailbox)"}</dd>
        {email.subjectRef ? (
          <>
            <dt className="text-slate-500">About</dt>
            <dd className="font-mono">{email.subjectRef}</dd>
          </>
        ) : null}
      </dl>
      {content === null ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-6 text-slate-600">
          Its content is not kept: it was sent over SMTP, or is more than a day old.
        </p>
      ) : null}
      {content?.html ? (
        <section className="mt-6" aria-labelledby="html-part">
          <h2 id="html-part" className="text-sm font-semibold text-slate-700">
            HTML
          </h2>
          {/* An empty sandbox: the message renders, but nothing in it can run or navigate this page. */}
          <iframe
            title={`HTML body of “${subject}”`}
            sandbox=""
            srcDoc={content.html}
            className="mt-2 h-[32rem] w-full rounded-lg border border-slate-200 bg-white"
          />
        </section>
      ) : null}
      {content ? (
        <section className="mt-6" aria-labelledby="text-part">
          <h2 id="text-part" className="text-sm font-semibold text-slate-700">
            Plain text
          </h2>
          <pre className="mt-2 overflow-x-auto whitespace-pre-wrap rounded-lg border border-slate-200 bg-white p-4 text-sm">
            {content.text}
          </pre>
        </section>
      ) : null}
    </main>
  );
}
