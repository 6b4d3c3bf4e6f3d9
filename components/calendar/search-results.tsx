"use client";

import Link from "next/link";
import { useFormats } from "@/components/formats-provider";
import type { CalendarItem } from "@/lib/calendar/events";
import type { Formats } from "@/lib/calendar/formats";
import type { SearchResult } from "@/lib/calendar/search-events";
import { instantToWall, wallToString } from "@/lib/calendar/time";
import { SEARCH_LIMIT } from "@/lib/calendar/search-limit";

function when(result: SearchResult, timeZone: string, formats: Formats): string {
  if (result.allDay) return `${formats.listDate(result.start)} · all day`;
  const wall = wallToString(instantToWall(timeZone, new Date(result.start)));
  return `${formats.listDate(wall.date)} · ${formats.time(result.start)}`;
}

/** What the dialog needs to open a result: the same shape as an item of the grid. */
export function resultItem(result: SearchResult): CalendarItem {
  return { ...result.target, recurring: result.recurring, title: result.title, location: result.location, allDay: result.allDay, start: result.start, end: result.end, timeZone: null, status: "confirmed", transparency: "opaque" };
}

export function SearchResults({ query, results, timeZone, clearHref, onOpen }: { query: string; results: SearchResult[]; timeZone: string; clearHref: string; onOpen: (result: SearchResult) => void }) {
  const formats = useFormats();
  return (
    <section aria-labelledby="search-heading" className="rounded-xl border border-slate-200 bg-white shadow-sm">
      <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <h2 id="search-heading" className="text-sm font-semibold text-slate-900">
          {results.length === 0 ? `No events match “${query}”` : `${results.length === SEARCH_LIMIT ? `The latest ${SEARCH_LIMIT}` : results.length} ${results.length === 1 ? "event matches" : "events match"} “${query}”`}
        </h2>
        <Link href={clearHref} className="text-sm font-medium text-brand-700 hover:underline">
          Clear search
        </Link>
      </div>
      {results.length > 0 && (
        <ul className="divide-y divide-slate-100">
          {results.map((result) => (
            <li key={`${result.target.eventId}`}>
              <button type="button" onClick={() => onOpen(result)} className="flex w-full flex-col items-start gap-0.5 px-4 py-2.5 text-left hover:bg-slate-50 sm:flex-row sm:items-baseline sm:gap-4">
                <span className="w-52 shrink-0 text-sm text-slate-600 tabular-nums">{when(result, timeZone, formats)}</span>
                <span className="min-w-0 flex-1 text-sm">
                  <span className="font-semibold text-slate-900">{result.title || "(No title)"}</span>
                  {result.recurring && <span className="ml-2 text-xs text-slate-600">repeats</span>}
                  {result.location && <span className="block truncate text-xs text-slate-600">{result.location}</span>}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
