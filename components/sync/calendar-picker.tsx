"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import type { ActionResult } from "@/lib/actions/safe-action";

export interface CalendarChoice {
  id: string;
  name: string;
  primary: boolean;
}

export type ListCalendars = (input: { accountId: string }) => Promise<ActionResult<CalendarChoice[]>>;
export type ChooseCalendar = (input: { accountId: string; calendarId: string; oldCopies: "leave" | "remove" }) => Promise<ActionResult<CalendarChoice>>;

/**
 * Which of the account's calendars it syncs. Once it has synced, moving to another calendar says
 * what becomes of the copies in the old one, and the person chooses.
 */
export function CalendarPicker({
  accountId,
  currentId,
  remoteName,
  synced,
  list,
  choose,
  onDone,
}: {
  accountId: string;
  /** The calendar synced now (null: the default one), preselected. */
  currentId: string | null;
  remoteName: string;
  synced: boolean;
  list: ListCalendars;
  choose: ChooseCalendar;
  onDone: () => void;
}) {
  const router = useRouter();
  const [calendars, setCalendars] = useState<CalendarChoice[] | null>(null);
  const [chosen, setChosen] = useState("");
  const [oldCopies, setOldCopies] = useState<"leave" | "remove">("leave");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setBusy(true);
    const outcome = await list({ accountId });
    setBusy(false);
    if (!outcome.ok) return setError(outcome.error);
    setCalendars(outcome.data);
    setChosen((outcome.data.find((calendar) => (currentId ? calendar.id === currentId : calendar.primary)) ?? outcome.data[0])?.id ?? "");
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    const outcome = await choose({ accountId, calendarId: chosen, oldCopies });
    setBusy(false);
    if (!outcome.ok) return setError(outcome.error);
    onDone();
    router.refresh();
  };

  if (calendars === null) {
    return (
      <div className="mt-3 flex flex-col gap-2 text-sm">
        <FormAlert message={error ?? undefined} tone="error" />
        <Button type="button" variant="secondary" disabled={busy} onClick={() => void load()} className="self-start">
          {busy ? "Loading calendars…" : `Show my ${remoteName} calendars`}
        </Button>
      </div>
    );
  }
  return (
    <div role="group" aria-label={`${remoteName} calendar`} className="mt-3 flex flex-col gap-2 rounded-lg border border-slate-200 bg-slate-50 p-4 text-sm text-slate-700">
      <FormAlert message={error ?? undefined} tone="error" />
      <label className="flex flex-wrap items-center gap-2">
        <span className="font-medium">Calendar</span>
        <select className="rounded-md border border-slate-300 bg-white px-2 py-1" value={chosen} onChange={(event) => setChosen(event.target.value)}>
          {calendars.map((calendar) => (
            <option key={calendar.id} value={calendar.id}>
              {calendar.name}
              {calendar.primary ? " (default)" : ""}
            </option>
          ))}
        </select>
      </label>
      {synced && (
        <fieldset className="flex flex-col gap-1">
          <legend className="font-medium">The copies already made in the current calendar</legend>
          <label className="flex items-center gap-1">
            <input type="radio" name={`old-copies-${accountId}`} checked={oldCopies === "leave"} onChange={() => setOldCopies("leave")} /> leave them there
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" name={`old-copies-${accountId}`} checked={oldCopies === "remove"} onChange={() => setOldCopies("remove")} /> remove them
          </label>
          <p className="text-slate-600">The account then starts over against the chosen calendar; nothing is duplicated in Atollon.</p>
        </fieldset>
      )}
      <div className="flex gap-2">
        <Button type="button" disabled={busy || !chosen} onClick={() => void save()}>
          Use this calendar
        </Button>
        <Button type="button" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
