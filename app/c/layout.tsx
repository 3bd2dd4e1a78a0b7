/** The claim pages' white canvas; their language is on <html> (app/layout.tsx). */
export default function ClaimLayout({ children }: { children: React.ReactNode }) {
  return <div className="min-h-dvh bg-white">{children}</div>;
}
