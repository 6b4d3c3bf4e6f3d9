"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef } from "react";
import { usePoll } from "@/components/sync/use-poll";

const POLL_MS = 3000;

/**
 * Keeps the settings page current while background runs start and end: asks the server every few
 * seconds (only while the page is visible) whether anything changed, and reloads the page's data
 * when it did — without a full reload, so nothing typed is lost.
 */
export function LiveRefresh({ fingerprint }: { fingerprint: string }) {
  const router = useRouter();
  const current = useRef(fingerprint);

  useEffect(() => {
    current.current = fingerprint;
  }, [fingerprint]);

  const poll = useCallback(async () => {
    if (document.visibilityState !== "visible") return;
    const response = await fetch("/api/sync-accounts/fingerprint", { cache: "no-store" });
    if (!response.ok) return;
    const { fingerprint: latest } = (await response.json()) as { fingerprint: string };
    if (latest === current.current) return;
    current.current = latest;
    router.refresh();
  }, [router]);
  usePoll(poll, POLL_MS);

  return null;
}
