import type { Metadata } from "next";
import Link from "next/link";
import { requirePageMember } from "../../_lib/member";

export const metadata: Metadata = { title: "Not allowed" };

export default async function ForbiddenPage({
  searchParams,
}: {
  searchParams: Promise<{ action?: string }>;
}) {
  const member = await requirePageMember("dashboard.view");
  const { action } = await searchParams;
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6">
      <h1 className="text-xl font-semibold">Your role cannot open this page</h1>
      <p className="mt-2 text-sm text-slate-600">
        You are <strong>{member.role}</strong> in {member.organisation.name}
        {action ? (
          <>
            {" "}
            and this needs <code>{action}</code>
          </>
        ) : null}
        . Ask an owner or admin if you need access.
      </p>
      <Link
        href="/dashboard"
        className="mt-4 inline-block text-sm font-medium text-indigo-700 underline"
      >
        Back to the overview
      </Link>
    </div>
  );
}
