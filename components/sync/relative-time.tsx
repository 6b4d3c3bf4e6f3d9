"use client";

import { useEffect, useState } from "react";
import { useFormats } from "@/components/formats-provider";
import { describeMoment } from "@/components/sync/describe-moment";

/**
 * "3 minutes ago" (tense "past") or "in 4 minutes" (tense "future"), never the other way round, with
 * the exact time on hover; re-rendered every 15 seconds.
 */
export function RelativeTime({ at, tense }: { at: string; tense: "past" | "future" }) {
  const date = new Date(at);
  const formats = useFormats();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={at} title={formats.fullDateTime(date)} suppressHydrationWarning>
      {describeMoment(date, now, tense)}
    </time>
  );
}
