"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import { useFormats } from "@/components/formats-provider";
import { RelativeTime } from "@/components/sync/relative-time";
import type { ActionResult } from "@/lib/actions/safe-action";
import type { EventContent } from "@/lib/calendar/event-content";
import type { Formats } from "@/lib/calendar/formats";
import { addDaysToDate } from "@/lib/calendar/time";

export interface ConflictCardData {
  id: string;
  remoteName: string;
  login: string;
  fields: (keyof EventContent)[];
  atollon: EventContent;
  theirs: EventContent;
  status: "OPEN" | "CHOSEN" | "SETTLED" | "UNDO" | "UNDONE";
  winner: "local" | "remote" | null;
  choice: "local" | "remote" | "both" | null;
  reason: string;
  occurrence: boolean;
  canUndo: boolean;
  /** When the sync found it, and when it was settled (ISO instants). */
  met: string;
  settled: string | null;
}

const FIELD_LABELS: Record<keyof EventContent, string> = {
  title: "Title",
  description: "Description",
  location: "Location",
  allDay: "All day",
  start: "Starts",
  end: "Ends",
  timeZone: "Time zone",
  rrule: "Repeats",
  exdates: "Excluded dates",
  rdates: "Extra dates",
  status: "Status",
  transparency: "Show as",
  visibility: "Visibility",
  reminders: "Reminders",
  attendees: "Guests",
  organizer: "Organizer",
  originalStart: "Occurrence",
};

/** The fields a person recognises an event by, then every field in conflict. */
const SHOWN: (keyof EventContent)[] = ["title", "start", "end", "location"];

/** A field's value as the person reads it: dates and times in their own formats and zone. */
function show(content: EventContent, field: keyof EventContent, formats: Formats): string {
  const value = content[field];
  if (value === null || value === "") return "—";
  if (field === "attendees") return content.attendees.map((attendee) => attendee.email).join(", ") || "—";
  if (field === "organizer") return content.organizer?.email ?? "—";
  if (Array.isArray(value)) return value.join(", ") || "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (field === "start" || field === "end") {
    if (!content.allDay) return formats.dateTime(String(value));
    // An all-day event's end is the day after its last one.
    return formats.date(field === "end" ? addDaysToDate(String(value), -1) : String(value));
  }
  return String(value);
}

function outcome(card: ConflictCardData): string {
  const theirs = card.remoteName;
  if (card.status === "CHOSEN") return `You chose ${card.choice === "local" ? "Atollon's version" : card.choice === "remote" ? `${theirs}'s version` : "to keep both"}: the next sync carries it out.`;
  if (card.status === "UNDO") return "Undo asked: the next sync puts the other version back.";
  if (card.status === "UNDONE") return "Undone: the other version was put back.";
  if (card.choice === "both") return "Kept both: their version became an event of its own.";
  if (card.choice === null) return "The event was deleted on one side: nothing was left to settle.";
  const winner = card.choice === "local" ? "Atollon's version" : `${theirs}'s version`;
  const why: Record<string, string> = {
    "latest-local": "its change was the most recent",
    "latest-remote": "its change was the most recent",
    "policy-local": "the account's rule: Atollon wins",
    "policy-remote": `the account's rule: ${theirs} wins`,
    ask: "you chose it",
  };
  return `${winner} was kept — ${why[card.reason] ?? "you chose it"}.`;
}

/**
 * The versions in force on both sides once the conflict is carried out: the one kept (both, for
 * "Keep both"), or after an Undo the one put back. None while it waits or when nothing was left.
 */
function keptVersions(card: ConflictCardData): ("atollon" | "theirs")[] {
  const chosen = { local: ["atollon"], remote: ["theirs"], both: ["atollon", "theirs"] } as const;
  if (card.choice === null) return [];
  if (card.status === "CHOSEN" || card.status === "SETTLED") return [...chosen[card.choice]];
  // Undoing "Keep both" takes the copy away: Atollon's version stays the event's.
  if (card.status === "UNDONE") return card.choice === "local" ? ["theirs"] : ["atollon"];
  return [];
}

/** One conflict, its two versions side by side with the differing fields marked, and what can be done about it. */
export function ConflictCard({
  card,
  settle,
  undo,
}: {
  card: ConflictCardData;
  settle: (input: { conflictId: string; choice: "local" | "remote" | "both" }) => Promise<ActionResult<null>>;
  undo: (input: { conflictId: string }) => Promise<ActionResult<null>>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const formats = useFormats();
  const rows = [...SHOWN, ...card.fields.filter((field) => !SHOWN.includes(field))];
  const run = (work: () => Promise<ActionResult<null>>) =>
    startTransition(async () => {
      const result = await work();
      setError(result.ok ? null : result.error);
    });
  const kept = keptVersions(card);
  const versions = [
    { key: "atollon", label: "Atollon", content: card.atollon },
    { key: "theirs", label: card.remoteName, content: card.theirs },
  ] as const;
  return (
    <article id={`conflict-${card.id}`} aria-label={`Conflict: ${card.atollon.title}`} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-conflict={card.id}>
      <header className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-base font-semibold text-slate-900">{card.atollon.title || "(no title)"}</h3>
        <p className="text-xs text-slate-500">
          {card.remoteName} · {card.login} · found <RelativeTime at={card.met} tense="past" />
          {card.settled && (
            <>
              {" "}
              · settled <RelativeTime at={card.settled} tense="past" />
            </>
          )}
        </p>
      </header>
      <table className="w-full table-fixed border-collapse text-sm">
        <thead>
          <tr>
            <th scope="col" className="w-20 text-left text-xs font-medium text-slate-500 sm:w-32">
              <span className="sr-only">Field</span>
            </th>
            {versions.map((version) => (
              <th key={version.key} scope="col" className="px-2 py-1 text-left text-xs font-semibold text-slate-700">
                {version.label}
                {kept.includes(version.key) && (
                  <span className="ml-1.5 inline-block rounded bg-emerald-100 px-1.5 text-[10px] font-bold text-emerald-800">{card.status === "CHOSEN" ? "chosen" : "kept"}</span>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((field) => {
            const differs = card.fields.includes(field);
            return (
              <tr key={field} data-differs={differs ? "true" : undefined} className={differs ? "bg-amber-50" : undefined}>
                <th scope="row" className="py-1.5 pr-2 text-left align-top text-xs font-medium text-slate-600">
                  {FIELD_LABELS[field]}
                  {differs && <span className="ml-1 inline-block rounded bg-amber-200 px-1 text-[10px] font-bold text-amber-900">differs</span>}
                </th>
                {versions.map((version) => (
                  <td key={version.key} className={`px-2 py-1.5 align-top break-words ${differs ? "font-semibold text-amber-900" : "text-slate-700"}`}>
                    {show(version.content, field, formats)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {card.status === "OPEN" ? (
        <div className="mt-4 flex flex-wrap gap-2">
          <Button disabled={pending} onClick={() => run(() => settle({ conflictId: card.id, choice: "local" }))}>
            Keep Atollon&apos;s
          </Button>
          <Button variant="secondary" disabled={pending} onClick={() => run(() => settle({ conflictId: card.id, choice: "remote" }))}>
            Keep theirs
          </Button>
          {!card.occurrence && (
            <Button variant="secondary" disabled={pending} onClick={() => run(() => settle({ conflictId: card.id, choice: "both" }))}>
              Keep both
            </Button>
          )}
        </div>
      ) : (
        <div className="mt-4 flex flex-wrap items-center gap-3">
          <p className="text-sm text-slate-700">{outcome(card)}</p>
          {card.canUndo && (
            <Button variant="secondary" disabled={pending} onClick={() => run(() => undo({ conflictId: card.id }))}>
              Undo
            </Button>
          )}
        </div>
      )}
      {error && (
        <div className="mt-3">
          <FormAlert message={error} />
        </div>
      )}
    </article>
  );
}
