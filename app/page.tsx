import Link from "next/link";
import { config } from "@/lib/config";

const steps = [
  {
    title: "Fund a balance",
    body: "Deposit once per currency. Every cent sits in a double-entry ledger that always balances.",
  },
  {
    title: "Pay by API or dashboard",
    body: "One payout or ten thousand per call, with idempotency keys and signed webhooks.",
  },
  {
    title: "Recipients claim",
    body: "A white-labelled link: verify by email, pick a method that works in their country, get paid.",
  },
];

export default function LandingPage() {
  // The demo recipient's address is not a real mailbox: the code can only be read where
  // test-mode mail is kept.
  const devMailbox = config().DEV_MAILBOX && !config().SMTP_URL;
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-12 px-6 py-16">
      <header className="flex flex-col gap-4">
        <p className="text-sm font-semibold uppercase tracking-wider text-indigo-700">Disburse</p>
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">
          Open-source payouts, claimed by the people you pay.
        </h1>
        <p className="max-w-2xl text-lg text-slate-700">
          Platforms fund a balance and pay creators, panelists and partners through an API or a
          dashboard. Each recipient opens a branded claim link, verifies, chooses a payout method
          that works where they live, and is paid.
        </p>
        <nav aria-label="Get started" className="flex flex-wrap gap-3 pt-2">
          <Link
            href="/dashboard"
            className="rounded-md bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
          >
            Open the dashboard
          </Link>
          <Link
            href="/docs/api"
            className="rounded-md border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-100"
          >
            API reference
          </Link>
          <Link
            href="/demo/claim"
            className="rounded-md border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-100"
          >
            Try a demo claim link
          </Link>
        </nav>
        {devMailbox ? (
          <p className="max-w-2xl text-sm text-slate-700" data-testid="demo-claim-hint">
            The demo claim asks for a 6-digit code sent by email. This is test mode, so no email
            leaves the app: the code shows up in the{" "}
            <a
              href="/dev/mailbox"
              target="_blank"
              rel="noopener"
              className="font-medium text-indigo-700 underline"
            >
              dev mailbox (opens in a new tab)
            </a>{" "}
            of this browser once you ask for it.
          </p>
        ) : null}
      </header>
      <section aria-labelledby="how" className="flex flex-col gap-4">
        <h2 id="how" className="text-xl font-semibold">
          How it works
        </h2>
        <ol className="grid gap-4 sm:grid-cols-3">
          {steps.map((step, index) => (
            <li key={step.title} className="rounded-lg border border-slate-200 bg-white p-5">
              <p className="text-sm font-semibold text-indigo-700">Step {index + 1}</p>
              <h3 className="mt-1 font-semibold">{step.title}</h3>
              <p className="mt-2 text-sm text-slate-700">{step.body}</p>
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
