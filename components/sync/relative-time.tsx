"use client";

import { useEffect, useState } from "react";
import { describeMoment } from "@/components/sync/describe-moment";

/**
 * "3 minutes ago" (tense "past") or "in 4 minutes" (tense "future"), never the other way round, with
 * the exact time on hover; re-rendered every 15 seconds.
 */
export function RelativeTime({ at, tense }: { at: string; tense: "past" | "future" }) {
  const date = new Date(at);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={at} title={date.toLocaleString("en-GB", { dateStyle: "full", timeStyle: "long" })} suppressHydrationWarning>
      {describeMoment(date, now, tense)}
    </time>
  );
}
