// The fake's storage: one primary calendar per Google account, every event with the sequence
// number of its last change (sync tokens and paging are positions in that sequence) and an etag
// that changes on every write.
import { randomBytes } from "node:crypto";

export interface EventDateTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

export type GoogleEvent = Record<string, unknown> & {
  id: string;
  etag: string;
  status: string;
  updated: string;
  iCalUID?: string;
  recurringEventId?: string;
  originalStartTime?: EventDateTime;
  recurrence?: string[];
  start?: EventDateTime;
  end?: EventDateTime;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
};

export interface Stored {
  event: GoogleEvent;
  seq: number;
}

export interface Calendar {
  /** The Google account whose primary calendar this is. */
  owner: string;
  events: Map<string, Stored>;
  seq: number;
  /** Sync tokens issued at or before this sequence are refused with 410 (-1: none; a token of an empty calendar is sync:0). */
  expiredThrough: number;
}

/** A server-chosen id, in the base32hex alphabet Google requires of ids (a–v, 0–9). */
export const newId = () => randomBytes(13).toString("hex").replace(/[w-z]/g, "v");

export function createEventStore(options: { onChange: (owner: string) => void }) {
  const calendars = new Map<string, Calendar>();

  const calendarOf = (email: string): Calendar => {
    let calendar = calendars.get(email);
    if (!calendar) {
      calendar = { owner: email, events: new Map(), seq: 0, expiredThrough: -1 };
      calendars.set(email, calendar);
    }
    return calendar;
  };

  const save = (calendar: Calendar, event: GoogleEvent): GoogleEvent => {
    calendar.seq += 1;
    const stored: GoogleEvent = { ...event, kind: "calendar#event", etag: `"${calendar.seq}${randomBytes(3).toString("hex")}"`, updated: new Date().toISOString() };
    calendar.events.set(event.id, { event: stored, seq: calendar.seq });
    options.onChange(calendar.owner);
    return stored;
  };

  /** Deleting a series deletes its exceptions with it. */
  const cancel = (calendar: Calendar, stored: Stored) => {
    save(calendar, { ...stored.event, status: "cancelled" });
    if (!stored.event.recurringEventId) {
      for (const other of calendar.events.values()) {
        if (other.event.recurringEventId === stored.event.id && other.event.status !== "cancelled") save(calendar, { ...other.event, status: "cancelled" });
      }
    }
  };

  return { calendarOf, save, cancel };
}

export type EventStore = ReturnType<typeof createEventStore>;
