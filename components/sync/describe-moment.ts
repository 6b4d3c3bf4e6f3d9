const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/**
 * "3 minutes ago" for a moment that has passed, "in 4 minutes" for one still to come. The moment
 * comes from the server's clock and `now` from the browser's: when they disagree, a past moment (the
 * last sync) can fall after `now`, and a coming one (the next sync) before it. A moment is never
 * described on the wrong side of now: a past one is at most "just now", a coming one at least "any
 * moment now".
 */
export function describeMoment(at: Date, now: number, tense: "past" | "future"): string {
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  if (tense === "future") {
    const ahead = at.getTime() - now;
    if (ahead < 60_000) return "any moment now";
    for (const [unit, size] of UNITS) if (ahead >= size) return format.format(Math.floor(ahead / size), unit);
    return "any moment now";
  }
  const elapsed = at.getTime() > now ? 0 : now - at.getTime();
  for (const [unit, size] of UNITS) if (elapsed >= size) return format.format(-Math.floor(elapsed / size), unit);
  return "just now";
}
