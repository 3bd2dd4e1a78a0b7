import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { db } from "@/db/client";
import { demoClaimUrl } from "@/lib/demo/demo-claim";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Demo claim link" };

export default async function DemoClaimPage() {
  const url = await demoClaimUrl(db);
  if (url) redirect(new URL(url).pathname);
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-4 px-6 py-16">
      <h1 className="text-2xl font-bold">No demo claim link left</h1>
      <p className="text-slate-700">
        Every demo payout has been claimed. Create another with the test API key printed by{" "}
        <code>npm run dev</code>, or from the dashboard.
      </p>
      <Link href="/" className="text-indigo-700 underline">
        Back to the start page
      </Link>
    </main>
  );
}
