/** A step the recipient cannot go past: what happened and what to do now, in plain words. */
export function DeadEnd({
  heading,
  body,
  level = 1,
  tone = "neutral",
}: {
  heading: string;
  body: string[];
  level?: 1 | 2;
  tone?: "neutral" | "alert";
}) {
  const Heading = level === 1 ? "h1" : "h2";
  return (
    <section
      className={
        tone === "alert"
          ? "flex flex-col gap-2 rounded-lg border border-red-300 bg-red-50 px-4 py-4 text-red-950"
          : "flex flex-col gap-2"
      }
      role={tone === "alert" ? "alert" : undefined}
    >
      <Heading
        className={level === 1 ? "text-2xl font-bold text-slate-900" : "text-lg font-semibold"}
      >
        {heading}
      </Heading>
      {body.map((paragraph) => (
        <p key={paragraph}>{paragraph}</p>
      ))}
    </section>
  );
}
