import { randomBytes } from "node:crypto";

/** One calendar item as the fake mailbox stores it. */
export interface FakeAttendee {
  name: string | null;
  email: string;
  response: string;
}

export interface FakeItem {
  id: string;
  changeKey: string;
  createdSeq: number;
  seq: number;
  subject: string;
  body: string;
  sensitivity: string;
  reminderIsSet: boolean;
  reminderMinutes: number;
  extended: Record<string, string>;
  lastModified: string;
  start: string;
  end: string;
  isAllDay: boolean;
  freeBusy: string;
  location: string;
  organizer: { name: string; email: string } | null;
  required: FakeAttendee[];
  optional: FakeAttendee[];
  startTimeZone: string;
  /** Single or RecurringMaster (a master's recurrence itself is not modelled). */
  itemType: "Single" | "RecurringMaster";
}

const token = (bytes: number) => randomBytes(bytes).toString("base64");

/** The calendar folder's contents and change history, the source of ChangeKeys and sync states. */
export class FakeMailbox {
  readonly items = new Map<string, FakeItem>();
  /** Injected per-item faults: GetItem answers these ids with this ResponseCode. */
  readonly readErrors = new Map<string, string>();
  private readonly tombstones = new Map<string, { seq: number; createdSeq: number }>();
  private seq = 0;
  private generation = 1;

  add(fields: Partial<Omit<FakeItem, "id" | "changeKey" | "seq" | "createdSeq">>): FakeItem {
    this.seq += 1;
    const item: FakeItem = {
      id: `AAMkAD${token(24)}`,
      changeKey: `DwAAABYA${token(9)}`,
      createdSeq: this.seq,
      seq: this.seq,
      subject: "",
      body: "",
      sensitivity: "Normal",
      reminderIsSet: true,
      reminderMinutes: 15,
      extended: {},
      lastModified: new Date().toISOString(),
      start: new Date().toISOString(),
      end: new Date().toISOString(),
      isAllDay: false,
      freeBusy: "Busy",
      location: "",
      organizer: { name: "Alice", email: "alice@contoso.test" },
      required: [],
      optional: [],
      startTimeZone: "UTC",
      itemType: "Single",
      ...fields,
    };
    this.items.set(item.id, item);
    return item;
  }

  /** Records a change: a new ChangeKey on every update, as Exchange does. */
  touch(item: FakeItem): void {
    this.seq += 1;
    item.seq = this.seq;
    item.changeKey = `DwAAABYA${token(9)}`;
    item.lastModified = new Date(Math.max(Date.now(), Date.parse(item.lastModified) + 1000)).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  remove(id: string): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    this.items.delete(id);
    this.seq += 1;
    this.tombstones.set(id, { seq: this.seq, createdSeq: item.createdSeq });
    return true;
  }

  /** Every outstanding sync state becomes invalid (ErrorInvalidSyncStateData). */
  expireSyncStates(): void {
    this.generation += 1;
  }

  syncState(seq: number): string {
    return Buffer.from(`fake-sync:${this.generation}:${seq}`).toString("base64");
  }

  /** null when the state is not one this mailbox issued in its current generation. */
  parseSyncState(state: string): number | null {
    const match = /^fake-sync:(\d+):(\d+)$/.exec(Buffer.from(state, "base64").toString("utf8"));
    if (!match || Number(match[1]) !== this.generation) return null;
    return Number(match[2]);
  }

  changesSince(since: number, max: number): { changes: { kind: "Create" | "Update" | "Delete"; id: string; seq: number }[]; state: string; last: boolean } {
    const all = [
      ...[...this.items.values()].filter((item) => item.seq > since).map((item) => ({ kind: item.createdSeq > since ? ("Create" as const) : ("Update" as const), id: item.id, seq: item.seq })),
      ...[...this.tombstones.entries()].filter(([, stone]) => stone.seq > since && stone.createdSeq <= since).map(([id, stone]) => ({ kind: "Delete" as const, id, seq: stone.seq })),
    ].sort((a, b) => a.seq - b.seq);
    const taken = all.slice(0, max);
    const last = taken.length === all.length;
    return { changes: taken, state: this.syncState(last ? this.seq : (taken.at(-1)?.seq ?? since)), last };
  }
}
