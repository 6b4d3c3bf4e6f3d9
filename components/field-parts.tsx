"use client";

import { useCallback } from "react";
import { DateInput, DateSegment } from "react-aria-components";

/** What react-hook-form focuses when a field's value is refused. */
export type FocusHandle = (instance: { focus: () => void } | null) => void;

/** A ref for the box around the segments that hands react-hook-form a way to focus the first of them. */
export function useFocusHandle(fieldRef: FocusHandle | undefined) {
  return useCallback(
    (element: HTMLElement | null) => fieldRef?.(element ? { focus: () => element.querySelector<HTMLElement>("[data-type]:not([data-type=literal])")?.focus() } : null),
    [fieldRef],
  );
}

/** The box around a date's or time's segments, drawn like TextField's input. */
export const fieldBoxClass = (invalid: boolean) =>
  `flex min-w-0 items-center rounded-md border bg-white text-sm shadow-sm focus-within:border-brand-600 focus-within:ring-2 focus-within:ring-brand-100 ${invalid ? "border-red-600" : "border-slate-300"}`;

/**
 * The segments of a date or time in the order, with the separators and the clock the locale has:
 * each one is typed into or stepped with the arrow keys.
 */
export function Segments({ className = "" }: { className?: string }) {
  return (
    <DateInput className={`flex min-w-0 flex-1 items-center whitespace-pre tabular-nums ${className}`}>
      {(segment) => (
        <DateSegment
          segment={segment}
          className="rounded-sm px-px text-slate-900 outline-none data-[focused]:bg-brand-600 data-[focused]:text-white data-[placeholder]:text-slate-500 data-[type=literal]:px-0 data-[type=literal]:text-slate-500 data-[focused]:data-[placeholder]:text-white"
        >
          {/* ICU's narrow space before AM/PM reads as "1:30PM" in a field; a full one as the grid prints it. */}
          {segment.type === "literal" ? segment.text.replace(/\u202f/g, "\u00a0") : segment.text}
        </DateSegment>
      )}
    </DateInput>
  );
}

/** The error under a field: always present, so a message that appears is announced. */
export function FieldMessage({ id, error }: { id: string; error?: string }) {
  return (
    <p id={id} aria-live="polite" className="min-h-0 text-sm text-red-700 empty:hidden">
      {error}
    </p>
  );
}
