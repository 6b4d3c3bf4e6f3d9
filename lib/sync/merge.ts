import type { EventContent } from "@/lib/calendar/event-content";
import { changedFields, type ContentField } from "@/lib/sync/content-hash";

/**
 * Fields that only make sense together: a start from one side and an all-day flag or time zone
 * from the other would make an event neither side wrote (or an invalid one), so such fields merge
 * as one — changed on both sides, they conflict as one.
 */
const GROUPS: ContentField[][] = [
  ["allDay", "start", "end", "timeZone"],
  ["rrule", "exdates", "rdates"],
  ["title"],
  ["description"],
  ["location"],
  ["status"],
  ["transparency"],
  ["visibility"],
  ["reminders"],
  ["attendees"],
  ["organizer"],
  ["originalStart"],
];

export interface MergeResult {
  /** Every change of both sides, and in the conflicting fields the preferred side's values. */
  merged: EventContent;
  /** Fields both sides changed to different values, in the order of the event's shape. */
  conflicts: ContentField[];
}

/**
 * Three-way merge of one event against the content last synced between both sides: a field
 * changed on one side only takes that change, a field both changed alike takes it once, and a field
 * both changed differently is a conflict — settled here by `prefer`, reported so the caller can
 * record it (or hold the event instead). Pure.
 */
export function mergeThreeWay(base: EventContent, local: EventContent, remote: EventContent, prefer: "local" | "remote"): MergeResult {
  const localChanged = changedFields(base, local);
  const remoteChanged = changedFields(base, remote);
  const differ = changedFields(local, remote);
  const merged: Record<string, unknown> = { ...base };
  const conflicts = new Set<ContentField>();
  for (const group of GROUPS) {
    const byLocal = group.some((field) => localChanged.has(field));
    const byRemote = group.some((field) => remoteChanged.has(field));
    const source = byLocal && byRemote ? (group.some((field) => differ.has(field)) ? null : local) : byLocal ? local : byRemote ? remote : base;
    if (source === null) for (const field of group) if (differ.has(field)) conflicts.add(field);
    const from = source ?? (prefer === "local" ? local : remote);
    for (const field of group) merged[field] = from[field];
  }
  const order = Object.keys(local) as ContentField[];
  return { merged: merged as EventContent, conflicts: order.filter((field) => conflicts.has(field)) };
}
