// events.insert / get / update (PUT) / patch / delete on one calendar, with Google's rules:
// client-chosen base32hex ids (409 when taken), If-Match against the etag (412), deleted events
// answering 410, recurrence rules checked, and the instance ids of a series' real occurrences
// accepted as event ids (any other `<series>_<stamp>` is 404, see recurrence.virtualInstance).
import { newId, type Calendar, type EventStore, type GoogleEvent } from "./event-store";
import { googleError, type CallResult } from "./google-error";
import { recurrenceProblem, virtualInstance } from "./recurrence";

/** What insert and import both check of a new event's body, or null when it may be stored. */
function refuseNew(calendar: Calendar, input: Partial<GoogleEvent>): CallResult | null {
  if (input.id !== undefined && !/^[a-v0-9]{5,1024}$/.test(input.id)) return googleError(400, "invalid", "Invalid resource id value.");
  if (input.id && calendar.events.has(input.id)) return googleError(409, "duplicate", "The requested identifier already exists.");
  if (!input.start || !input.end) return googleError(400, "required", "Missing end time.");
  const problem = recurrenceProblem(input);
  return problem ? googleError(400, "invalid", problem) : null;
}

function storeNew(store: EventStore, calendar: Calendar, input: Partial<GoogleEvent>): CallResult {
  const id = input.id ?? newId();
  const saved = store.save(calendar, { ...input, id, status: input.status ?? "confirmed", created: new Date().toISOString(), iCalUID: input.iCalUID ?? `${id}@google.com`, sequence: input.sequence ?? 0 } as GoogleEvent);
  return { status: 200, body: saved };
}

export function insertEvent(store: EventStore, calendar: Calendar, body: unknown): CallResult {
  const input = (body ?? {}) as Partial<GoogleEvent>;
  return refuseNew(calendar, input) ?? storeNew(store, calendar, input);
}

/** What events.import does with an iCalUID the calendar already holds. */
export type ImportExisting = "update" | "reject";

/**
 * events.import: "add a private copy of an existing event"; iCalUID "must be supplied when
 * importing events via the import method" (Calendar v3 discovery document). The reference does not
 * say what a second import of the same iCalUID does. By default the fake updates the event that
 * has it, never adding a second (the behaviour this project relies on, reported by gcalcli #599);
 * `reject` answers 409 duplicate instead, as gcalcli #712/#784 saw Google do in 2024.
 */
export function importEvent(store: EventStore, calendar: Calendar, body: unknown, existingMode: ImportExisting): CallResult {
  const input = (body ?? {}) as Partial<GoogleEvent>;
  if (!input.iCalUID) return googleError(400, "required", "Missing iCalUID.");
  const existing = [...calendar.events.values()].find((stored) => stored.event.iCalUID === input.iCalUID && !stored.event.recurringEventId);
  if (!existing) return refuseNew(calendar, input) ?? storeNew(store, calendar, input);
  if (existingMode === "reject") return googleError(409, "duplicate", "The requested identifier already exists.");
  if (!input.start || !input.end) return googleError(400, "required", "Missing end time.");
  const problem = recurrenceProblem(input);
  if (problem) return googleError(400, "invalid", problem);
  const { id: _ignored, ...fields } = input;
  const saved = store.save(calendar, { ...fields, id: existing.event.id, created: existing.event.created, iCalUID: input.iCalUID, status: input.status ?? "confirmed", sequence: input.sequence ?? existing.event.sequence ?? 0 } as GoogleEvent);
  return { status: 200, body: saved };
}

/** get, update, patch or delete of one event (or instance) id. */
export function eventById(store: EventStore, calendar: Calendar, method: string, id: string, ifMatch: string | undefined, body: unknown): CallResult {
  const stored = calendar.events.get(id);
  const existing = stored?.event ?? virtualInstance(calendar, id);
  if (!existing) return googleError(404, "notFound", "Not Found");
  if (method === "GET") return { status: 200, body: existing };
  if (ifMatch && stored && ifMatch !== stored.event.etag) return googleError(412, "conditionNotMet", "Precondition Failed");
  if (method === "DELETE") {
    if (!stored) {
      store.save(calendar, { ...existing, status: "cancelled" });
      return { status: 204 };
    }
    if (stored.event.status === "cancelled" && !stored.event.recurringEventId) return googleError(410, "deleted", "Resource has been deleted");
    store.cancel(calendar, stored);
    return { status: 204 };
  }
  if (method === "PUT" || method === "PATCH") {
    const input = (body ?? {}) as Partial<GoogleEvent>;
    const merged = method === "PATCH" ? { ...existing, ...input } : { ...input, id, created: existing.created, iCalUID: existing.iCalUID };
    const fixed = { ...merged, id, recurringEventId: existing.recurringEventId, originalStartTime: existing.originalStartTime, status: merged.status ?? "confirmed" } as GoogleEvent;
    if (!fixed.recurringEventId) delete fixed.recurringEventId;
    if (!fixed.originalStartTime) delete fixed.originalStartTime;
    if (existing.status === "cancelled" && !existing.recurringEventId && stored) return googleError(410, "deleted", "Resource has been deleted");
    const problem = fixed.recurringEventId ? null : recurrenceProblem(fixed);
    if (problem) return googleError(400, "invalid", problem);
    return { status: 200, body: store.save(calendar, fixed) };
  }
  return googleError(405, "methodNotAllowed", "Method not allowed");
}
