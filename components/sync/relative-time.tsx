"use client";

import { useEffect, useState } from "react";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

function describe(at: Date, now: number): string {
  const elapsed = now - at.getTime();
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  if (elapsed < 0) {
    if (-elapsed < 60_000) return "in less than a minute";
    for (const [unit, size] of UNITS) if (-elapsed >= size) return format.format(Math.floor(-elapsed / size), unit);
  }
  if (elapsed < 60_000) return "just now";
  for (const [unit, size] of UNITS) if (elapsed >= size) return format.format(-Math.floor(elapsed / size), unit);
  return "just now";
}

/** "3 minutes ago" or "in 4 minutes", with the exact time on hover; re-rendered every 15 seconds. */
export function RelativeTime({ at }: { at: string }) {
  const date = new Date(at);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={at} title={date.toLocaleString("en-GB", { dateStyle: "full", timeStyle: "long" })} suppressHydrationWarning>
      {describe(date, now)}
    </time>
  );
}
