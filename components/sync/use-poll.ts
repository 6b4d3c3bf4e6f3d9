"use client";

import { useEffect, useRef } from "react";

/**
 * Calls `poll` every `intervalMs` (the first time after one interval) until it returns "stop" or
 * the component goes away; a poll that throws is simply tried again next time.
 */
export function usePoll(poll: () => Promise<"stop" | void>, intervalMs: number): void {
  const latest = useRef(poll);
  useEffect(() => {
    latest.current = poll;
  }, [poll]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      const verdict = await latest.current().catch(() => undefined);
      if (!stopped && verdict !== "stop") timer = setTimeout(run, intervalMs);
    };
    timer = setTimeout(run, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs]);
}
