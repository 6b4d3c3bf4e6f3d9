"use client";

import { useEffect, useState } from "react";
import { instantToWall, wallToString } from "@/lib/calendar/time";

/** The current time across its day's column, moved every minute; drawn only after hydration (the server's "now" is not the browser's). */
export function NowLine({ date, timeZone, hourHeight }: { date: string; timeZone: string; hourHeight: number }) {
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    const tick = () => setNow(new Date());
    tick();
    const timer = window.setInterval(tick, 60_000);
    return () => window.clearInterval(timer);
  }, []);
  if (!now) return null;
  const wall = instantToWall(timeZone, now);
  if (wallToString(wall).date !== date) return null;
  const top = ((wall.hour * 60 + wall.minute) / 60) * hourHeight;
  return (
    <div data-testid="now-line" aria-hidden="true" className="pointer-events-none absolute inset-x-0 z-20 border-t-2 border-red-600" style={{ top }}>
      <span className="absolute -top-[5px] -left-[5px] size-2 rounded-full bg-red-600" />
    </div>
  );
}
