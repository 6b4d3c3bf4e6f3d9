"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import { useFormats } from "@/components/formats-provider";
import type { ActionResult } from "@/lib/actions/safe-action";

export interface DeletedEventEntry {
  id: string;
  title: string;
  start: string;
  allDay: boolean;
  recurring: boolean;
  deletedAt: string;
  purgeAt: string;
  deletedBy: { source: string; run: { id: string; startedAt: string; trigger: string } | null } | null;
}

interface Props {
  events: DeletedEventEntry[];
  restore: (input: { eventId: string }) => Promise<ActionResult<null>>;
}

const TRIGGERS: Record<string, string> = { manual: "Sync now", schedule: "scheduled", edit: "after an edit", push: "change notice", continue: "continuation" };

export function DeletedEventList({ events, restore }: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const formats = useFormats();

  if (events.length === 0) return <p className="text-sm text-slate-600">Nothing was deleted in the last 30 days.</p>;

  const onRestore = async (event: DeletedEventEntry) => {
    setBusy(event.id);
    setMessage(null);
    const outcome = await restore({ eventId: event.id });
    setBusy(null);
    setMessage(outcome.ok ? { tone: "success", text: `“${event.title}” is back in your calendar; the next sync brings it back in every synced calendar.` } : { tone: "error", text: outcome.error });
    router.refresh();
  };

  return (
    <div className="flex flex-col gap-3">
      {message && <FormAlert message={message.text} tone={message.tone} />}
      <ul className="flex flex-col divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm" aria-label="Recently deleted events">
        {events.map((event) => (
          <li key={event.id} className="flex flex-wrap items-center gap-4 px-5 py-3" aria-label={event.title}>
            <div className="min-w-0 flex-1 basis-72">
              <p className="font-medium text-slate-900">
                {event.title}
                {event.recurring && <span className="ml-2 text-xs font-normal text-slate-500">recurring</span>}
              </p>
              <p className="text-sm text-slate-600">{event.allDay ? formats.date(event.start) : formats.dateTime(event.start)}</p>
              <p className="text-sm text-slate-600">
                Deleted{" "}
                <time dateTime={event.deletedAt} suppressHydrationWarning>
                  {formats.dateTime(event.deletedAt)}
                </time>{" "}
                {event.deletedBy
                  ? `by the sync with ${event.deletedBy.source}${event.deletedBy.run ? ` (run of ${formats.dateTime(event.deletedBy.run.startedAt)}, ${TRIGGERS[event.deletedBy.run.trigger] ?? event.deletedBy.run.trigger})` : ""}`
                  : "by you, in Atollon"}
                {" · "}deleted for good on {formats.instantDate(event.purgeAt)}
              </p>
            </div>
            <Button type="button" disabled={busy !== null} onClick={() => void onRestore(event)}>
              {busy === event.id ? "Restoring…" : "Restore"}
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
