// One Exchange Online mailbox's calendar as Microsoft Graph shows it: single events, series masters
// with a patternedRecurrence, exceptions (changed occurrences, kept as items of their own) and the
// occurrences computed from each master. Every change moves the mailbox's sequence, which is what
// delta tokens remember; deleted items and vanished occurrences leave tombstones for delta to report.
import { randomBytes } from "node:crypto";
import { findIana, findWindows } from "windows-iana";
import { floatingFromInstant, instantFromFloating } from "@/lib/calendar/time";
import { expand, type FakeRecurrence } from "../ews/recurrence";

export interface GraphAttendee {
  emailAddress: { address: string; name?: string };
  type: "required" | "optional" | "resource";
  status?: { response: string; time?: string };
}

export interface PatternedRecurrence {
  pattern: { type: string; interval?: number; daysOfWeek?: string[]; firstDayOfWeek?: string; dayOfMonth?: number; month?: number; index?: string };
  range: { type: string; startDate: string; endDate?: string; numberOfOccurrences?: number; recurrenceTimeZone?: string };
}

export interface StoredEvent {
  id: string;
  /** The calendar holding the event (a FakeGraphCalendar's id); occurrences and exceptions are their master's. */
  calendarId: string;
  type: "singleInstance" | "seriesMaster" | "exception";
  seriesMasterId: string | null;
  /** UTC instant (ISO) of the occurrence an exception replaces. */
  originalStart: string | null;
  subject: string;
  body: string;
  location: string;
  /** UTC instants (ISO). */
  start: string;
  end: string;
  /** The zone the client named (Windows or IANA), as Graph keeps it in originalStartTimeZone. */
  timeZone: string;
  isAllDay: boolean;
  recurrence: PatternedRecurrence | null;
  showAs: string;
  sensitivity: string;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  attendees: GraphAttendee[];
  organizer: { emailAddress: { address: string; name?: string } } | null;
  extended: Record<string, string>;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  transactionId: string | null;
  seq: number;
  /** Masters only: original starts (UTC ISO) of deleted occurrences. */
  deleted: string[];
}

/** An instance as calendarView lists it: a single event, an occurrence or an exception. */
export interface Instance {
  item: StoredEvent;
  type: "singleInstance" | "occurrence" | "exception";
}

/** A calendar of the mailbox as GET /me/calendars describes it. */
export interface FakeGraphCalendar {
  id: string;
  name: string;
  /** false: shared with the owner read-only, as a colleague's calendar can be. */
  canEdit: boolean;
  isDefaultCalendar: boolean;
}

const newKey = () => randomBytes(12).toString("base64url");
export const newId = () => `AAMkAG${randomBytes(24).toString("base64url")}`;

/** Graph's occurrence ids are opaque; these are stable for an occurrence, as Graph's are. */
export const occurrenceId = (masterId: string, originalStart: string) => `AAMkOcc${Buffer.from(`${masterId}|${originalStart}`).toString("base64url")}`;

/** An IANA zone for a zone name a client may send (Windows names as Outlook writes them, or IANA). */
export function ianaZone(name: string): string {
  if (name === "UTC" || name === "") return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return name;
  } catch {
    return findIana(name as Parameters<typeof findIana>[0])[0] ?? "UTC";
  }
}

const windowsName = (name: string) => {
  const zone = ianaZone(name);
  return zone === "UTC" ? "UTC" : (findWindows(zone)[0] ?? "UTC");
};

const DAYS: Record<string, string> = { monday: "Monday", tuesday: "Tuesday", wednesday: "Wednesday", thursday: "Thursday", friday: "Friday", saturday: "Saturday", sunday: "Sunday" };
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const INDEX: Record<string, string> = { first: "First", second: "Second", third: "Third", fourth: "Fourth", last: "Last" };

/** Graph's relative patterns name one weekday or Outlook's day groups through several. */
function dayGroup(days: string[]): string {
  const sorted = [...days].sort().join();
  if (sorted === "friday,monday,thursday,tuesday,wednesday") return "Weekday";
  if (sorted === "saturday,sunday") return "WeekendDay";
  if (days.length === 7) return "Day";
  return DAYS[days[0] ?? "monday"] ?? "Monday";
}

/** Graph's pattern as the EWS fake's (the same Exchange model under another spelling). */
function asEwsRecurrence(recurrence: PatternedRecurrence): FakeRecurrence {
  const { pattern: p, range: r } = recurrence;
  const interval = p.interval ?? 1;
  const pattern: FakeRecurrence["pattern"] =
    p.type === "daily"
      ? { kind: "Daily", interval }
      : p.type === "weekly"
        ? { kind: "Weekly", interval, daysOfWeek: (p.daysOfWeek ?? []).map((d) => DAYS[d] ?? "Monday"), firstDayOfWeek: DAYS[p.firstDayOfWeek ?? "sunday"] ?? "Sunday" }
        : p.type === "absoluteMonthly"
          ? { kind: "AbsoluteMonthly", interval, dayOfMonth: p.dayOfMonth ?? 1 }
          : p.type === "relativeMonthly"
            ? { kind: "RelativeMonthly", interval, dayOfWeek: dayGroup(p.daysOfWeek ?? []), index: INDEX[p.index ?? "first"] ?? "First" }
            : p.type === "absoluteYearly"
              ? { kind: "AbsoluteYearly", dayOfMonth: p.dayOfMonth ?? 1, month: MONTHS[(p.month ?? 1) - 1] ?? "January" }
              : { kind: "RelativeYearly", dayOfWeek: dayGroup(p.daysOfWeek ?? []), index: INDEX[p.index ?? "first"] ?? "First", month: MONTHS[(p.month ?? 1) - 1] ?? "January" };
  const range: FakeRecurrence["range"] =
    r.type === "numbered" ? { kind: "Numbered", startDate: r.startDate, count: r.numberOfOccurrences ?? 1 } : r.type === "endDate" ? { kind: "EndDate", startDate: r.startDate, endDate: r.endDate ?? r.startDate } : { kind: "NoEnd", startDate: r.startDate };
  return { pattern, range };
}

export function validRecurrence(recurrence: PatternedRecurrence): string | null {
  const types = ["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"];
  if (!types.includes(recurrence.pattern?.type)) return "Unknown recurrence pattern type.";
  if (!["endDate", "noEnd", "numbered"].includes(recurrence.range?.type)) return "Unknown recurrence range type.";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(recurrence.range.startDate ?? "")) return "The recurrence range needs a startDate.";
  if (recurrence.range.type === "numbered" && !(recurrence.range.numberOfOccurrences && recurrence.range.numberOfOccurrences > 0)) return "numberOfOccurrences must be positive.";
  if (recurrence.pattern.type === "weekly" && !(recurrence.pattern.daysOfWeek?.length)) return "A weekly pattern needs daysOfWeek.";
  return null;
}

export class GraphMailbox {
  readonly items = new Map<string, StoredEvent>();
  /** The mailbox's calendars, the default one first (Outlook's "Calendar"). */
  readonly calendars = new Map<string, FakeGraphCalendar>();
  readonly defaultCalendarId: string;
  seq = 0;
  /** Delta tokens issued at or before this sequence are refused (410 SyncStateNotFound). */
  expiredThrough = -1;
  readonly tombstones: { id: string; seq: number; calendarId: string }[] = [];
  readonly transactions = new Map<string, string>();
  /** Told of every change, as Graph's change notifications are (created, updated or deleted, and the item's id). */
  onChange: ((changeType: "created" | "updated" | "deleted", id: string, calendarId: string) => void) | null = null;
  /** The instance ids each master had at its last change: what vanishes becomes a tombstone. */
  private readonly instanceIds = new Map<string, Set<string>>();

  constructor(readonly owner: string) {
    this.defaultCalendarId = this.addCalendar("Calendar").id;
    (this.calendars.get(this.defaultCalendarId) as FakeGraphCalendar).isDefaultCalendar = true;
  }

  /** A calendar as a person adds one in Outlook (or one shared with them, read-only when `canEdit` is false). */
  addCalendar(name: string, options: { canEdit?: boolean } = {}): FakeGraphCalendar {
    const calendar: FakeGraphCalendar = { id: `AAMkAGCal${randomBytes(18).toString("base64url")}`, name, canEdit: options.canEdit ?? true, isDefaultCalendar: false };
    this.calendars.set(calendar.id, calendar);
    return calendar;
  }

  /** The stored items of one calendar (singles, masters and exceptions). */
  itemsIn(calendarId: string): StoredEvent[] {
    return [...this.items.values()].filter((item) => item.calendarId === calendarId);
  }

  /** Occurrence starts (UTC ISO) the master's pattern gives, deleted ones included. */
  patternStarts(master: StoredEvent): string[] {
    if (!master.recurrence) return [];
    const starts = expand(asEwsRecurrence(master.recurrence), master.start, master.isAllDay ? "UTC" : windowsName(master.timeZone));
    return starts.map((value) => new Date(value).toISOString());
  }

  /** Every instance of a master: its occurrences and exceptions, deleted occurrences left out. */
  instancesOf(master: StoredEvent): Instance[] {
    const deleted = new Set(master.deleted);
    const exceptions = new Map([...this.items.values()].filter((item) => item.seriesMasterId === master.id).map((item) => [item.originalStart ?? "", item]));
    const length = Date.parse(master.end) - Date.parse(master.start);
    return this.patternStarts(master).flatMap((start): Instance[] => {
      if (deleted.has(start)) return [];
      const exception = exceptions.get(start);
      if (exception) return [{ item: exception, type: "exception" }];
      const occurrence: StoredEvent = { ...master, id: occurrenceId(master.id, start), type: "singleInstance", seriesMasterId: master.id, originalStart: start, start, end: new Date(Date.parse(start) + length).toISOString(), recurrence: null, deleted: [] };
      return [{ item: occurrence, type: "occurrence" }];
    });
  }

  /** What calendarView shows: single events, occurrences and exceptions. */
  allInstances(changed: (item: StoredEvent) => boolean = () => true): Instance[] {
    const out: Instance[] = [];
    for (const item of this.items.values()) {
      if (!changed(item)) continue;
      if (item.type === "singleInstance") out.push({ item, type: "singleInstance" });
      if (item.type === "seriesMaster") out.push(...this.instancesOf(item));
    }
    return out;
  }

  private bump(item: StoredEvent): void {
    this.seq += 1;
    item.seq = this.seq;
    item.changeKey = newKey();
    item.lastModifiedDateTime = new Date().toISOString();
  }

  /** Records a change of an item (and, for a series, of every occurrence it generates). */
  touch(item: StoredEvent): void {
    const created = item.seq === 0;
    if (item.type !== "exception") this.prune(item);
    this.bump(item);
    this.onChange?.(created ? "created" : "updated", item.id, item.calendarId);
    const master = item.type === "seriesMaster" ? item : item.seriesMasterId ? this.items.get(item.seriesMasterId) : undefined;
    if (master && master !== item) this.bump(master);
    if (master) this.refreshInstances(master);
  }

  /**
   * A changed pattern or start keeps only the exceptions and deleted occurrences that still fall on
   * an occurrence; a series made a single event keeps none (as Exchange does).
   */
  private prune(item: StoredEvent): void {
    const valid = new Set(item.type === "seriesMaster" ? this.patternStarts(item) : []);
    item.deleted = item.deleted.filter((start) => valid.has(start));
    for (const exception of [...this.items.values()]) {
      if (exception.seriesMasterId !== item.id || valid.has(exception.originalStart ?? "")) continue;
      this.items.delete(exception.id);
      this.tombstones.push({ id: exception.id, seq: this.seq + 1, calendarId: item.calendarId });
    }
    if (item.type !== "seriesMaster" && this.instanceIds.has(item.id)) {
      for (const id of this.instanceIds.get(item.id) ?? []) this.tombstones.push({ id, seq: this.seq + 1, calendarId: item.calendarId });
      this.instanceIds.delete(item.id);
    }
  }

  private refreshInstances(master: StoredEvent): void {
    const now = new Set(this.instancesOf(master).map((instance) => instance.item.id));
    for (const id of this.instanceIds.get(master.id) ?? []) if (!now.has(id)) this.tombstones.push({ id, seq: this.seq, calendarId: master.calendarId });
    this.instanceIds.set(master.id, now);
  }

  add(fields: Partial<StoredEvent>): StoredEvent {
    const now = new Date().toISOString();
    const item: StoredEvent = {
      id: newId(),
      calendarId: this.defaultCalendarId,
      type: fields.recurrence ? "seriesMaster" : "singleInstance",
      seriesMasterId: null,
      originalStart: null,
      subject: "",
      body: "",
      location: "",
      start: now,
      end: now,
      timeZone: "UTC",
      isAllDay: false,
      recurrence: null,
      showAs: "busy",
      sensitivity: "normal",
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      attendees: [],
      organizer: { emailAddress: { address: this.owner } },
      extended: {},
      changeKey: "",
      createdDateTime: now,
      lastModifiedDateTime: now,
      transactionId: null,
      seq: 0,
      deleted: [],
      ...fields,
    };
    this.items.set(item.id, item);
    this.touch(item);
    return item;
  }

  /** An occurrence turned into an exception (its id stays), or the exception already there. */
  materialize(masterId: string, originalStart: string): StoredEvent | null {
    const master = this.items.get(masterId);
    if (!master) return null;
    const instance = this.instancesOf(master).find((candidate) => candidate.item.originalStart === originalStart);
    if (!instance) return null;
    if (instance.type === "exception") return instance.item;
    const exception: StoredEvent = { ...structuredClone(instance.item), type: "exception", extended: structuredClone(master.extended), createdDateTime: new Date().toISOString() };
    this.items.set(exception.id, exception);
    return exception;
  }

  /** Finds an item by id, occurrences included (those have no stored item of their own). */
  find(id: string): Instance | null {
    const stored = this.items.get(id);
    if (stored) return { item: stored, type: stored.type === "exception" ? "exception" : "singleInstance" };
    for (const master of this.items.values()) {
      if (master.type !== "seriesMaster") continue;
      const instance = this.instancesOf(master).find((candidate) => candidate.item.id === id);
      if (instance) return instance;
    }
    return null;
  }

  /** Deletes an item; an occurrence or exception becomes a deleted occurrence of its master. */
  remove(id: string): boolean {
    const found = this.find(id);
    if (!found) return false;
    const { item } = found;
    this.onChange?.("deleted", item.id, item.calendarId);
    if (item.seriesMasterId && item.originalStart) {
      const master = this.items.get(item.seriesMasterId);
      this.items.delete(item.id);
      if (!master) return true;
      master.deleted = [...new Set([...master.deleted, item.originalStart])];
      this.touch(master);
      return true;
    }
    this.items.delete(item.id);
    this.seq += 1;
    // A series master is never in a calendarView: its deletion shows there as its instances' removal.
    if (item.type !== "seriesMaster") this.tombstones.push({ id: item.id, seq: this.seq, calendarId: item.calendarId });
    if (item.type === "seriesMaster") {
      for (const exception of [...this.items.values()].filter((candidate) => candidate.seriesMasterId === item.id)) this.items.delete(exception.id);
      for (const instanceId of this.instanceIds.get(item.id) ?? []) this.tombstones.push({ id: instanceId, seq: this.seq, calendarId: item.calendarId });
      this.instanceIds.delete(item.id);
    }
    return true;
  }

  expireDeltaTokens(): void {
    this.expiredThrough = this.seq;
  }
}

/** A UTC instant as a wall time in `zone`, in Graph's dateTime form (seven fractional digits). */
export function graphDateTime(instant: string, zone: string): string {
  const floating = floatingFromInstant(new Date(instant), ianaZone(zone));
  return `${floating.toISOString().slice(0, 19)}.0000000`;
}

/** Graph's {dateTime, timeZone} as a UTC instant (ISO). */
export function instantOf(value: { dateTime?: string; timeZone?: string } | undefined): string | null {
  if (!value?.dateTime || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.dateTime.replace(/Z$/, ""))) return null;
  const wall = new Date(`${value.dateTime.replace(/Z$/, "").slice(0, 19)}Z`);
  if (Number.isNaN(wall.getTime())) return null;
  return instantFromFloating(wall, ianaZone(value.timeZone ?? "UTC")).toISOString();
}
