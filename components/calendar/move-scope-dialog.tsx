"use client";

import { useEffect } from "react";
import { Button } from "@/components/button";

/** After dragging one occurrence of a repeating event: move (or resize) that one, or the whole series? */
export function MoveScopeDialog({ title, resize, onChoose, onCancel }: { title: string; resize: boolean; onChoose: (scope: "this" | "all") => void; onCancel: () => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onCancel();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-slate-900/40 p-4" onClick={onCancel}>
      <div role="dialog" aria-modal="true" aria-labelledby="move-scope-title" className="w-full max-w-sm rounded-xl bg-white p-6 shadow-xl" onClick={(event) => event.stopPropagation()}>
        <h2 id="move-scope-title" className="text-lg font-semibold">
          {resize ? "Change the length of" : "Move"} a repeating event
        </h2>
        <p className="mt-1 text-sm text-slate-600">“{title || "(No title)"}” repeats. Change only this occurrence, or every occurrence?</p>
        <div className="mt-5 flex flex-wrap justify-end gap-3">
          <Button type="button" variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="button" variant="secondary" onClick={() => onChoose("all")}>
            All events
          </Button>
          <Button autoFocus type="button" onClick={() => onChoose("this")}>
            This event
          </Button>
        </div>
      </div>
    </div>
  );
}
