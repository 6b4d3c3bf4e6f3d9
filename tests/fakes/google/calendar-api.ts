// Google Calendar API v3, the part the sync uses, with Google's rules: events list with paging,
// sync tokens (410 when expired; parameters that may not go with a token), showDeleted and cancelled
// items, etags and If-Match (412), client-chosen ids (409 duplicate), recurring series whose
// instances can be written by their instance id, private extended properties and filtering by them,
// the batch endpoint, push notification channels (events.watch, channels.stop), error injection and
// a request log.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createChannels } from "./channels";
import { readBody } from "./oauth";

export type GoogleEvent = Record<string, unknown> & {
  id: string;
  etag: string;
  status: string;
  updated: string;
  recurringEventId?: string;
  originalStartTime?: { date?: string; dateTime?: string; timeZone?: string };
  recurrence?: string[];
  start?: { date?: string; dateTime?: string; timeZone?: string };
  end?: { date?: string; dateTime?: string; timeZone?: string };
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
};

interface Stored {
  event: GoogleEvent;
  seq: number;
}

interface Calendar {
  /** The Google account whose primary calendar this is. */
  owner: string;
  events: Map<string, Stored>;
  seq: number;
  /** Sync tokens issued at or before this sequence are refused with 410. */
  expiredThrough: number;
}

export interface Fault {
  status: number;
  reason: string;
  retryAfterSeconds?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Calls inside a batch request, as "METHOD /path". */
  batch?: string[];
  sendUpdates?: string | null;
}

interface CallResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const LIST_DEFAULT = 250;
const LIST_MAX = 2500;
const INCOMPATIBLE_WITH_SYNC_TOKEN = ["iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"];

const error = (status: number, reason: string, message: string, domain = "global"): CallResult => ({
  status,
  body: { error: { errors: [{ domain, reason, message }], code: status, message } },
});

const newId = () => randomBytes(13).toString("hex").replace(/[w-z]/g, "v");

export function createCalendarApi(options: { authenticate: (accessToken: string) => string | null; allowHttpPush?: boolean }) {
  const calendars = new Map<string, Calendar>();
  const channels = createChannels({ allowHttp: options.allowHttpPush ?? false });
  const faults: Fault[] = [];
  const log: LoggedRequest[] = [];
  let delayMs = 0;

  const calendarOf = (email: string): Calendar => {
    let calendar = calendars.get(email);
    if (!calendar) {
      calendar = { owner: email, events: new Map(), seq: 0, expiredThrough: 0 };
      calendars.set(email, calendar);
    }
    return calendar;
  };

  const save = (calendar: Calendar, event: GoogleEvent): GoogleEvent => {
    calendar.seq += 1;
    const stored: GoogleEvent = { ...event, kind: "calendar#event", etag: `"${calendar.seq}${randomBytes(3).toString("hex")}"`, updated: new Date().toISOString() };
    calendar.events.set(event.id, { event: stored, seq: calendar.seq });
    channels.changed(calendar.owner);
    return stored;
  };

  const cancel = (calendar: Calendar, stored: Stored) => {
    save(calendar, { ...stored.event, status: "cancelled" });
    if (!stored.event.recurringEventId) {
      for (const other of calendar.events.values()) {
        if (other.event.recurringEventId === stored.event.id && other.event.status !== "cancelled") save(calendar, { ...other.event, status: "cancelled" });
      }
    }
  };

  /** An instance id of a live series that has no stored exception yet: writable, as at Google. */
  const virtualInstance = (calendar: Calendar, id: string): GoogleEvent | null => {
    const match = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
    const series = match ? calendar.events.get(match[1] ?? "") : undefined;
    if (!match || !series || series.event.status === "cancelled" || !series.event.recurrence) return null;
    const stamp = match[2] ?? "";
    const allDay = stamp.length === 8;
    const originalStartTime = allDay
      ? { date: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}` }
      : { dateTime: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`, timeZone: series.event.start?.timeZone };
    const { recurrence: _recurrence, id: _id, etag: _etag, extendedProperties: _props, ...fields } = series.event;
    return { ...fields, id, etag: "", status: "confirmed", recurringEventId: series.event.id, originalStartTime, start: originalStartTime, end: originalStartTime } as GoogleEvent;
  };

  function listEvents(calendar: Calendar, query: URLSearchParams): CallResult {
    const syncToken = query.get("syncToken");
    if (syncToken && INCOMPATIBLE_WITH_SYNC_TOKEN.some((name) => query.has(name))) {
      return error(400, "invalid", "Sync token cannot be used with other filters.");
    }
    const maxResults = Math.min(Number(query.get("maxResults") ?? LIST_DEFAULT), LIST_MAX);
    let since = 0;
    if (syncToken) {
      since = Number(Buffer.from(syncToken, "base64url").toString().split(":")[1]);
      if (!Number.isFinite(since) || since <= calendar.expiredThrough) return error(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.", "calendar");
    }
    const page = query.get("pageToken");
    const [snapshot, offset] = page ? Buffer.from(page, "base64url").toString().split(":").map(Number) : [calendar.seq, 0];
    const showDeleted = syncToken !== null || query.get("showDeleted") === "true";
    const filters = query.getAll("privateExtendedProperty").map((pair) => pair.split("="));
    const matching = [...calendar.events.values()]
      .filter((stored) => stored.seq > since && stored.seq <= (snapshot ?? 0))
      .filter((stored) => showDeleted || stored.event.status !== "cancelled")
      .filter((stored) => filters.every(([key, value]) => stored.event.extendedProperties?.private?.[key ?? ""] === value))
      .sort((a, b) => a.seq - b.seq);
    const slice = matching.slice(offset ?? 0, (offset ?? 0) + maxResults);
    const more = (offset ?? 0) + maxResults < matching.length;
    return {
      status: 200,
      body: {
        kind: "calendar#events",
        summary: "primary",
        timeZone: "UTC",
        items: slice.map((stored) => stored.event),
        ...(more
          ? { nextPageToken: Buffer.from(`${snapshot}:${(offset ?? 0) + maxResults}`).toString("base64url") }
          : { nextSyncToken: Buffer.from(`sync:${snapshot}`).toString("base64url") }),
      },
    };
  }

  function call(email: string, method: string, path: string, query: URLSearchParams, headers: Record<string, string | undefined>, body: unknown, logEntry: LoggedRequest): CallResult {
    const calendar = calendarOf(email);
    if (path === "/calendar/v3/channels/stop" && method === "POST") return channels.stop(email, body);
    const watch = /^\/calendar\/v3\/calendars\/([^/]+)\/events\/watch$/.exec(path);
    if (watch && method === "POST") {
      const calendarId = decodeURIComponent(watch[1] ?? "");
      if (calendarId !== "primary" && calendarId !== email) return error(404, "notFound", "Not Found");
      return channels.watch(email, calendarId, body);
    }
    const match = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(path);
    if (path === "/calendar/v3/users/me/calendarList" && method === "GET") {
      return { status: 200, body: { kind: "calendar#calendarList", items: [{ kind: "calendar#calendarListEntry", id: email, summary: email, primary: true, timeZone: "UTC", accessRole: "owner" }] } };
    }
    if (!match || (match[1] !== "primary" && decodeURIComponent(match[1] ?? "") !== email)) return error(404, "notFound", "Not Found");
    const id = match[2] ? decodeURIComponent(match[2]) : null;
    if (method !== "GET") logEntry.sendUpdates = query.get("sendUpdates");
    const ifMatch = headers["if-match"];

    if (!id && method === "GET") return listEvents(calendar, query);
    if (!id && method === "POST") {
      const input = (body ?? {}) as Partial<GoogleEvent>;
      const chosen = input.id;
      if (chosen !== undefined && (!/^[a-v0-9]{5,1024}$/.test(chosen))) return error(400, "invalid", "Invalid resource id value.");
      if (chosen && calendar.events.has(chosen)) return error(409, "duplicate", "The requested identifier already exists.");
      if (!input.start || !input.end) return error(400, "required", "Missing end time.");
      const saved = save(calendar, { ...input, id: chosen ?? newId(), status: input.status ?? "confirmed", created: new Date().toISOString(), iCalUID: `${chosen ?? "x"}@google.com`, sequence: 0 } as GoogleEvent);
      return { status: 200, body: saved };
    }
    if (!id) return error(405, "methodNotAllowed", "Method not allowed");

    const stored = calendar.events.get(id);
    const existing = stored?.event ?? virtualInstance(calendar, id);
    if (!existing) return error(404, "notFound", "Not Found");
    if (method === "GET") return { status: 200, body: existing };
    if (ifMatch && stored && ifMatch !== stored.event.etag) return error(412, "conditionNotMet", "Precondition Failed");
    if (method === "DELETE") {
      if (!stored) {
        save(calendar, { ...existing, status: "cancelled" });
        return { status: 204 };
      }
      if (stored.event.status === "cancelled" && !stored.event.recurringEventId) return error(410, "deleted", "Resource has been deleted");
      cancel(calendar, stored);
      return { status: 204 };
    }
    if (method === "PUT" || method === "PATCH") {
      const input = (body ?? {}) as Partial<GoogleEvent>;
      const merged = method === "PATCH" ? { ...existing, ...input } : { ...input, id, created: existing.created, iCalUID: existing.iCalUID };
      const fixed = { ...merged, id, recurringEventId: existing.recurringEventId, originalStartTime: existing.originalStartTime, status: merged.status ?? "confirmed" } as GoogleEvent;
      if (!fixed.recurringEventId) delete fixed.recurringEventId;
      if (!fixed.originalStartTime) delete fixed.originalStartTime;
      if (existing.status === "cancelled" && !existing.recurringEventId && stored) return error(410, "deleted", "Resource has been deleted");
      return { status: 200, body: save(calendar, fixed) };
    }
    return error(405, "methodNotAllowed", "Method not allowed");
  }

  async function batch(email: string, req: IncomingMessage, res: ServerResponse, logEntry: LoggedRequest): Promise<void> {
    const boundary = /boundary=("?)([^";]+)\1/.exec(req.headers["content-type"] ?? "")?.[2];
    if (!boundary) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify(error(400, "invalid", "Missing multipart boundary.").body));
      return;
    }
    const raw = await readBody(req);
    const parts = raw.split(`--${boundary}`).slice(1, -1);
    if (parts.length > 1000) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify(error(400, "invalid", "A batch may hold at most 1000 calls.").body));
      return;
    }
    const out = `batch_${randomBytes(8).toString("hex")}`;
    const chunks: string[] = [];
    logEntry.batch = [];
    for (const [index, part] of parts.entries()) {
      const [outer = "", ...rest] = part.replace(/^\r\n/, "").split("\r\n\r\n");
      const contentId = /content-id:\s*<?([^>\r\n]+)>?/i.exec(outer)?.[1] ?? String(index + 1);
      const inner = rest.join("\r\n\r\n");
      const [head = "", ...bodyParts] = inner.split("\r\n\r\n");
      const [requestLine = "", ...headerLines] = head.split("\r\n");
      const [method = "GET", target = "/"] = requestLine.split(" ");
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(":")).trim().toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
      const url = new URL(target, "http://fake");
      const bodyText = bodyParts.join("\r\n\r\n").trim();
      logEntry.batch.push(`${method} ${url.pathname}`);
      const innerLog: LoggedRequest = { method, path: url.pathname };
      const result = call(email, method, url.pathname, url.searchParams, headers, bodyText ? JSON.parse(bodyText) : undefined, innerLog);
      if (innerLog.sendUpdates !== undefined) logEntry.sendUpdates = innerLog.sendUpdates;
      const payload = result.body === undefined ? "" : JSON.stringify(result.body);
      chunks.push(
        `--${out}\r\nContent-Type: application/http\r\nContent-ID: <response-${contentId}>\r\n\r\nHTTP/1.1 ${result.status} ${result.status < 300 ? "OK" : "Error"}\r\nContent-Type: application/json; charset=UTF-8\r\n${result.headers ? Object.entries(result.headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") : ""}\r\n${payload}\r\n`,
      );
    }
    res.writeHead(200, { "content-type": `multipart/mixed; boundary=${out}` });
    res.end(`${chunks.join("")}--${out}--\r\n`);
  }

  return {
    log,
    channels,
    /** The next requests (outer HTTP requests) fail like this, in order. */
    injectFaults(...next: Fault[]) {
      faults.push(...next);
    },
    /** Every answer waits this long (slow-server tests). */
    setDelay(ms: number) {
      delayMs = ms;
    },
    /** Sync tokens issued so far for this calendar get 410 from now on. */
    expireSyncTokens(email: string) {
      const calendar = calendarOf(email);
      calendar.expiredThrough = calendar.seq;
    },
    /** All stored items of a calendar (cancelled ones included), as Google holds them. */
    events(email: string): GoogleEvent[] {
      return [...calendarOf(email).events.values()].map((stored) => stored.event);
    },
    /** A person editing the calendar in Google's UI. */
    userInsert(email: string, event: Omit<GoogleEvent, "etag" | "updated" | "status" | "id"> & { id?: string; status?: string }): GoogleEvent {
      return save(calendarOf(email), { ...event, id: event.id ?? newId(), status: event.status ?? "confirmed" } as GoogleEvent);
    },
    userPatch(email: string, id: string, change: Partial<GoogleEvent>): GoogleEvent {
      const calendar = calendarOf(email);
      const existing = calendar.events.get(id)?.event ?? virtualInstance(calendar, id);
      if (!existing) throw new Error(`no event ${id}`);
      return save(calendar, { ...existing, ...change, id });
    },
    userDelete(email: string, id: string): void {
      const calendar = calendarOf(email);
      const stored = calendar.events.get(id);
      if (stored) cancel(calendar, stored);
    },
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = new URL(req.url ?? "/", "http://fake");
      const isBatch = url.pathname === "/batch/calendar/v3";
      if (!isBatch && !url.pathname.startsWith("/calendar/v3/")) return false;
      const entry: LoggedRequest = { method: req.method ?? "GET", path: url.pathname };
      log.push(entry);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const fault = faults.shift();
      if (fault) {
        if (fault.status === 0) {
          req.socket.destroy();
          return true;
        }
        res.writeHead(fault.status, { "content-type": "application/json", ...(fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {}) });
        res.end(JSON.stringify(error(fault.status, fault.reason, fault.reason, fault.reason.includes("RateLimit") ? "usageLimits" : "global").body));
        return true;
      }
      const email = options.authenticate(req.headers.authorization?.replace(/^Bearer\s+/i, "") ?? "");
      if (!email) {
        res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer realm="https://accounts.google.com/"' });
        res.end(JSON.stringify(error(401, "authError", "Request had invalid authentication credentials.").body));
        return true;
      }
      if (isBatch) {
        await batch(email, req, res, entry);
        return true;
      }
      const text = await readBody(req);
      const result = call(email, req.method ?? "GET", url.pathname, url.searchParams, req.headers as Record<string, string | undefined>, text ? JSON.parse(text) : undefined, entry);
      res.writeHead(result.status, { "content-type": "application/json; charset=UTF-8", ...(result.headers ?? {}) });
      res.end(result.body === undefined ? undefined : JSON.stringify(result.body));
      return true;
    },
  };
}

export type CalendarApi = ReturnType<typeof createCalendarApi>;
