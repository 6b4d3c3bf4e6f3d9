import { randomBytes } from "node:crypto";
import { expand, type FakeRecurrence } from "@/tests/fakes/ews/recurrence";

export interface FakeAttendee {
  name: string | null;
  email: string;
  response: string;
}

/** An extended property as stored: its ExtendedFieldURI attributes and its value. */
export interface FakeExtended {
  uri: Record<string, string>;
  value: string;
}

/** The fields a calendar item (single, master or exception) carries. */
export interface FakeFields {
  subject: string;
  body: string;
  /** How the body is kept: Outlook writes HTML, this app text. */
  bodyType: "HTML" | "Text";
  /**
   * Exchange 2007's TimeZone string ("(GMT+01:00) Amsterdam, Berlin, …"), on an item that carries
   * its zone only so — no MeetingTimeZone or Start/EndTimeZone (as old clients left them).
   */
  legacyTimeZone?: string;
  /** Elements this item lacks in every answer (a damaged item, or one another program wrote). */
  missing?: string[];
  sensitivity: string;
  reminderIsSet: boolean;
  reminderMinutes: number;
  /** Keyed by property set and name (or id/tag), see `extendedKey`. */
  extended: Record<string, FakeExtended>;
  start: string;
  end: string;
  isAllDay: boolean;
  freeBusy: string;
  location: string;
  organizer: { name: string; email: string } | null;
  required: FakeAttendee[];
  optional: FakeAttendee[];
  startTimeZone: string;
  endTimeZone: string;
}

export interface FakeException extends FakeFields {
  id: string;
  changeKey: string;
  originalStart: string;
  lastModified: string;
}

export interface FakeItem extends FakeFields {
  id: string;
  /** The folder the item lives in (a FakeFolder's id). */
  folder: string;
  changeKey: string;
  createdSeq: number;
  seq: number;
  lastModified: string;
  itemType: "Single" | "RecurringMaster";
  recurrence: FakeRecurrence | null;
  /** Modified occurrences by original start (UTC ISO without milliseconds). */
  exceptions: Map<string, FakeException>;
  /** Original starts of deleted occurrences. */
  deleted: Set<string>;
}

const token = (bytes: number) => randomBytes(bytes).toString("base64");
export const newChangeKey = () => `DwAAABYA${token(9)}`;
/** EWS instants as Exchange returns them: UTC, no milliseconds. */
export const ewsInstant = (value: string) => new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");

export function extendedKey(uri: Record<string, string>): string {
  return [uri.PropertySetId?.toLowerCase() ?? uri.DistinguishedPropertySetId ?? "", uri.PropertyName ?? uri.PropertyId ?? uri.PropertyTag ?? ""].join("/");
}

/**
 * An occurrence's ItemId: opaque to clients, but (as in Exchange) it names the master and the
 * occurrence's original start, so it stays the same while the occurrence lives.
 */
export const occurrenceId = (masterId: string, originalStart: string) => Buffer.from(`occ\u0000${masterId}\u0000${originalStart}`).toString("base64");
export function parseOccurrenceId(id: string): { masterId: string; originalStart: string } | null {
  const [tag, masterId, originalStart] = Buffer.from(id, "base64").toString("utf8").split("\u0000");
  return tag === "occ" && masterId && originalStart ? { masterId, originalStart } : null;
}

/** A folder of the mailbox: the distinguished calendar folder, or one a person made (below it, or elsewhere). */
export interface FakeFolder {
  id: string;
  changeKey: string;
  name: string;
  /** "IPF.Appointment" for a calendar; Outlook's Birthdays calendar carries "IPF.Appointment.Birthday". */
  folderClass: string;
  parentId: string;
}

/** The distinguished calendar folder's id; its parent is the mailbox's root folder. */
export const CALENDAR_FOLDER_ID = "AAMkAGFakeCalendar";
export const ROOT_FOLDER_ID = "AAMkAGFakeRoot";

/**
 * The mailbox's calendar folders, their contents and change history, the source of ChangeKeys and
 * sync states (one per folder, as SyncFolderItems keeps them). Item ids are the mailbox's: GetItem,
 * UpdateItem and DeleteItem find an item in whichever folder holds it.
 */
export class FakeMailbox {
  readonly items = new Map<string, FakeItem>();
  readonly folders = new Map<string, FakeFolder>([[CALENDAR_FOLDER_ID, { id: CALENDAR_FOLDER_ID, changeKey: "AgAAABYAAAA", name: "Calendar", folderClass: "IPF.Appointment", parentId: ROOT_FOLDER_ID }]]);
  /** Injected per-item faults: GetItem answers these ids with this ResponseCode. */
  readonly readErrors = new Map<string, string>();
  /**
   * Per-item throttling inside a 200 answer: GetItem answers these ids ErrorServerBusy with a
   * BackOffMilliseconds in its MessageXml, `times` times, then reads them again.
   */
  readonly busyReads = new Map<string, { times: number; backOffMs: number }>();
  /** UpdateItem answers without ConflictResults, which messages.xsd allows (minOccurs="0"). */
  omitConflictResults = false;
  /** Invitations, updates and cancellations the server would have emailed: a sync must never cause any. */
  readonly sent: string[] = [];
  private readonly tombstones = new Map<string, { seq: number; createdSeq: number; folder: string }>();
  private seq = 0;
  private generation = 1;

  /** A folder as a person makes one in Outlook: a calendar below the calendar folder unless told otherwise. */
  addFolder(name: string, options: { parentId?: string; folderClass?: string } = {}): FakeFolder {
    const folder: FakeFolder = { id: `AAMkAGFolder${token(18)}`, changeKey: `AgAAAB${token(6)}`, name, folderClass: options.folderClass ?? "IPF.Appointment", parentId: options.parentId ?? CALENDAR_FOLDER_ID };
    this.folders.set(folder.id, folder);
    return folder;
  }

  /** The folders below `parentId`: its children only, or every descendant (Deep traversal), in creation order. */
  foldersBelow(parentId: string, deep: boolean): FakeFolder[] {
    const children = [...this.folders.values()].filter((folder) => folder.parentId === parentId);
    return deep ? children.flatMap((child) => [child, ...this.foldersBelow(child.id, true)]) : children;
  }

  /** The items of one folder. */
  itemsIn(folder: string): FakeItem[] {
    return [...this.items.values()].filter((item) => item.folder === folder);
  }

  add(fields: Partial<Omit<FakeItem, "id" | "changeKey" | "seq" | "createdSeq">>): FakeItem {
    this.seq += 1;
    const item: FakeItem = {
      id: `AAMkAD${token(24)}`,
      folder: CALENDAR_FOLDER_ID,
      changeKey: newChangeKey(),
      createdSeq: this.seq,
      seq: this.seq,
      subject: "",
      body: "",
      bodyType: "Text",
      sensitivity: "Normal",
      reminderIsSet: true,
      reminderMinutes: 15,
      extended: {},
      lastModified: ewsInstant(new Date().toISOString()),
      start: ewsInstant(new Date().toISOString()),
      end: ewsInstant(new Date().toISOString()),
      isAllDay: false,
      freeBusy: "Busy",
      location: "",
      organizer: { name: "Alice", email: "alice@contoso.test" },
      required: [],
      optional: [],
      startTimeZone: "UTC",
      endTimeZone: "UTC",
      itemType: "Single",
      recurrence: null,
      exceptions: new Map(),
      deleted: new Set(),
      ...fields,
    };
    if (item.recurrence) item.itemType = "RecurringMaster";
    this.items.set(item.id, item);
    return item;
  }

  /** Records a change: a new ChangeKey on every update, as Exchange does. */
  touch(item: FakeItem): void {
    this.seq += 1;
    item.seq = this.seq;
    item.changeKey = newChangeKey();
    item.lastModified = ewsInstant(new Date(Math.max(Date.now(), Date.parse(item.lastModified) + 1000)).toISOString());
    item.itemType = item.recurrence ? "RecurringMaster" : "Single";
    if (!item.recurrence) {
      item.exceptions.clear();
      item.deleted.clear();
      return;
    }
    // A changed pattern or start keeps only the exceptions and deletions that still fall on an occurrence.
    const valid = new Set(this.occurrences(item));
    for (const start of item.exceptions.keys()) if (!valid.has(start)) item.exceptions.delete(start);
    for (const start of item.deleted) if (!valid.has(start)) item.deleted.delete(start);
  }

  /** An exception's own change: a new ChangeKey for it, and its master changes with it (it lives inside). */
  touchException(master: FakeItem, exception: FakeException): void {
    exception.changeKey = newChangeKey();
    exception.lastModified = ewsInstant(new Date().toISOString());
    this.touch(master);
  }

  /** The original starts of every occurrence of a master, deleted ones included, in order. */
  occurrences(item: FakeItem): string[] {
    return item.recurrence ? expand(item.recurrence, item.start, item.startTimeZone).map(ewsInstant) : [];
  }

  remove(id: string): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    this.items.delete(id);
    this.seq += 1;
    this.tombstones.set(id, { seq: this.seq, createdSeq: item.createdSeq, folder: item.folder });
    return true;
  }

  /** Every outstanding sync state becomes invalid (ErrorInvalidSyncStateData). */
  expireSyncStates(): void {
    this.generation += 1;
  }

  /** A sync state names its folder: another folder's state is refused there, as Exchange refuses it. */
  syncState(seq: number, folder = CALENDAR_FOLDER_ID): string {
    return Buffer.from(`fake-sync:${this.generation}:${folder}:${seq}`).toString("base64");
  }

  /** null when the state is not one this mailbox issued for this folder in its current generation. */
  parseSyncState(state: string, folder = CALENDAR_FOLDER_ID): number | null {
    const match = /^fake-sync:(\d+):([^:]+):(\d+)$/.exec(Buffer.from(state, "base64").toString("utf8"));
    if (!match || Number(match[1]) !== this.generation || match[2] !== folder) return null;
    return Number(match[3]);
  }

  /**
   * Changes in one folder after a sync state, oldest first. Occurrences and exceptions are not folder
   * items: a change to one shows up as an Update of its master.
   */
  changesSince(since: number, max: number, folder = CALENDAR_FOLDER_ID): { changes: { kind: "Create" | "Update" | "Delete"; id: string; seq: number }[]; state: string; last: boolean } {
    const all = [
      ...this.itemsIn(folder).filter((item) => item.seq > since).map((item) => ({ kind: item.createdSeq > since ? ("Create" as const) : ("Update" as const), id: item.id, seq: item.seq })),
      ...[...this.tombstones.entries()].filter(([, stone]) => stone.folder === folder && stone.seq > since && stone.createdSeq <= since).map(([id, stone]) => ({ kind: "Delete" as const, id, seq: stone.seq })),
    ].sort((a, b) => a.seq - b.seq);
    const taken = all.slice(0, max);
    const last = taken.length === all.length;
    return { changes: taken, state: this.syncState(last ? this.seq : (taken.at(-1)?.seq ?? since), folder), last };
  }
}
