// Microsoft Graph v1.0, the calendar part a sync uses, with Graph's rules: the mailbox's calendars
// (/me/calendars with canEdit and isDefaultCalendar; /me/events and /me/calendar are the default one's,
// /me/calendars/{id}/events and its calendarView delta another's, an event's own URL any), calendarView delta
// (startDateTime/endDateTime, Prefer odata.maxpagesize, @odata.nextLink with $skiptoken, a final
// @odata.deltaLink with $deltatoken, @removed entries, 410 SyncStateNotFound for unknown or expired
// tokens, no $select/$expand on delta), events with types singleInstance / occurrence / exception /
// seriesMaster, instances, transactionId on create, @odata.etag and If-Match (412), deleting an
// occurrence, single-value extended properties with $expand and $filter, Prefer outlook.timezone,
// bodies kept as HTML and answered as HTML unless Prefer outlook.body-content-type="text" (body.ts),
// JSON $batch (at most 20 requests, dependsOn, per-request statuses), the per-mailbox limit
// (throttle.ts: 429 ApplicationThrottled with Retry-After), error injection (429 with
// Retry-After, 503) and a log, and change-notification subscriptions (see subscriptions.ts). Invitations are never sent: what Graph *would* have mailed is recorded.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FilterError, matches, parseFilter } from "./filter";
import { renderedBody, storedBody } from "./body";
import { createSubscriptions } from "./subscriptions";
import { createThrottle, type ThrottleOptions } from "./throttle";
import { GraphMailbox, graphDateTime, type FakeGraphCalendar, instantOf, newId, validRecurrence, type GraphAttendee, type Instance, type StoredEvent } from "./mailbox";

export interface Fault {
  /** A path prefix under /v1.0 (e.g. "/me/events", "/$batch", "/me/calendarView/delta"). */
  path: string;
  status: number;
  count: number;
  retryAfterSeconds?: number;
}

export interface Mail {
  from: string;
  kind: "invitation" | "update" | "cancellation";
  subject: string;
  to: string[];
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Call {
  method: string;
  /** Path and query relative to /v1.0. */
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export const MAX_BATCH = 20;
const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;

const error = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({ status, body: { error: { code, message } }, ...(headers ? { headers } : {}) });

const etagOf = (item: StoredEvent) => `W/"${item.changeKey}"`;

/** A calendar as Graph describes one (the properties a client reads of it). */
const calendarJson = (email: string, calendar: FakeGraphCalendar) => ({
  id: calendar.id,
  name: calendar.name,
  color: "auto",
  isDefaultCalendar: calendar.isDefaultCalendar,
  changeKey: "fJKVL07sbkSRHPl0TtD4FgAAAAACkQ==",
  canShare: calendar.canEdit,
  canViewPrivateItems: calendar.canEdit,
  canEdit: calendar.canEdit,
  isRemovable: !calendar.isDefaultCalendar,
  owner: { name: email, address: email },
});

interface DeltaRound {
  email: string;
  /** A round tracks one calendar's view: its links are refused for another. */
  calendarId: string;
  start: string;
  end: string;
  /** The mailbox sequence the round covers up to. */
  seq: number;
}

interface PendingPage {
  round: DeltaRound;
  entries: object[];
  offset: number;
}

export function createGraphApi(options: { baseUrl: () => string; authenticate: (token: string) => string | null; allowHttpPush?: boolean }) {
  const mailboxes = new Map<string, GraphMailbox>();
  const subscriptions = createSubscriptions({ allowHttp: options.allowHttpPush ?? false });
  const deltaTokens = new Map<string, DeltaRound>();
  const skipTokens = new Map<string, PendingPage>();
  const faults: Fault[] = [];
  const throttle = createThrottle();
  const mail: Mail[] = [];
  /** Every Graph call: top-level requests as "METHOD /path", calls inside a batch prefixed with "  ". */
  const log: string[] = [];
  let requests = 0;

  const mailboxOf = (email: string): GraphMailbox => {
    const key = email.toLowerCase();
    let mailbox = mailboxes.get(key);
    if (!mailbox) {
      mailbox = new GraphMailbox(key);
      // Every change, through the API or straight into the mailbox, reaches the subscriptions on it.
      mailbox.onChange = (changeType, id, calendarId) => subscriptions.changed(key, changeType, id, calendarId === mailbox?.defaultCalendarId ? null : calendarId);
      mailboxes.set(key, mailbox);
    }
    return mailbox;
  };

  const takeFault = (path: string): Answer | null => {
    const fault = faults.find((candidate) => path.startsWith(candidate.path) && candidate.count > 0);
    if (!fault) return null;
    fault.count -= 1;
    const headers = fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : undefined;
    return fault.status === 429 ? error(429, "TooManyRequests", "Too many requests.", headers) : error(fault.status, fault.status === 503 ? "ServiceUnavailable" : "InternalServerError", "Injected failure.", headers);
  };

  const preferences = (headers: Record<string, string>) => {
    const prefer = headers["prefer"] ?? "";
    const zone = /outlook\.timezone="([^"]+)"/i.exec(prefer)?.[1] ?? "UTC";
    const pageSize = Math.min(Math.max(Number(/odata\.maxpagesize=(\d+)/i.exec(prefer)?.[1] ?? DEFAULT_PAGE), 1), MAX_PAGE);
    const textBody = /outlook\.body-content-type="?text"?/i.test(prefer);
    return { zone, pageSize, textBody };
  };

  /** The ids named in $expand=singleValueExtendedProperties($filter=id eq '…' or id eq '…'). */
  const expandedIds = (query: URLSearchParams): string[] | null => {
    const expand = query.get("$expand");
    if (!expand) return null;
    if (!/^singleValueExtendedProperties/i.test(expand)) return null;
    return [...expand.matchAll(/id eq '([^']+)'/gi)].map((match) => match[1] ?? "");
  };

  function render(instance: Instance, zone: string, expand: string[] | null, textBody = false): object {
    const { item } = instance;
    const time = (instant: string) => ({ dateTime: graphDateTime(instant, item.isAllDay ? item.timeZone : zone), timeZone: item.isAllDay ? item.timeZone : zone });
    const wanted = expand?.map((id) => id.toLowerCase());
    const extended = wanted ? Object.entries(item.extended).filter(([id]) => wanted.includes(id.toLowerCase())) : [];
    return {
      "@odata.etag": etagOf(item),
      id: item.id,
      createdDateTime: item.createdDateTime,
      lastModifiedDateTime: item.lastModifiedDateTime,
      changeKey: item.changeKey,
      type: instance.type === "occurrence" ? "occurrence" : item.type,
      seriesMasterId: item.seriesMasterId,
      originalStart: item.originalStart ? `${item.originalStart.slice(0, 19)}Z` : null,
      originalStartTimeZone: item.timeZone,
      originalEndTimeZone: item.timeZone,
      transactionId: item.transactionId,
      iCalUId: `040000008200E00074C5B7101A82E008${Buffer.from(item.seriesMasterId ?? item.id).toString("hex").slice(0, 32)}`,
      subject: item.subject,
      body: renderedBody(item.body, textBody),
      location: { displayName: item.location },
      start: time(item.start),
      end: time(item.end),
      isAllDay: item.isAllDay,
      isCancelled: false,
      isOrganizer: true,
      showAs: item.showAs,
      sensitivity: item.sensitivity,
      isReminderOn: item.isReminderOn,
      reminderMinutesBeforeStart: item.reminderMinutesBeforeStart,
      recurrence: instance.type === "singleInstance" && item.type === "seriesMaster" ? item.recurrence : null,
      attendees: item.attendees,
      organizer: item.organizer,
      ...(expand ? { singleValueExtendedProperties: extended.map(([id, value]) => ({ id, value })) } : {}),
    };
  }

  const overlaps = (item: StoredEvent, start: number, end: number) => {
    const s = Date.parse(item.start);
    const e = Date.parse(item.end);
    return s < end && (e > start || (e === s && s >= start));
  };

  const pageOut = (page: PendingPage, size: number, pathForNext: string): object => {
    const slice = page.entries.slice(page.offset, page.offset + size);
    const rest = page.offset + size < page.entries.length;
    const base = `${options.baseUrl()}/v1.0${pathForNext}`;
    if (rest) {
      const token = randomBytes(16).toString("base64url");
      skipTokens.set(token, { ...page, offset: page.offset + size });
      return { "@odata.context": `${options.baseUrl()}/v1.0/$metadata#Collection(event)`, value: slice, "@odata.nextLink": `${base}?$skiptoken=${token}` };
    }
    const token = randomBytes(16).toString("base64url");
    deltaTokens.set(token, page.round);
    return { "@odata.context": `${options.baseUrl()}/v1.0/$metadata#Collection(event)`, value: slice, "@odata.deltaLink": `${base}?$deltatoken=${token}` };
  };

  function delta(email: string, calendarId: string, path: string, query: URLSearchParams, headers: Record<string, string>): Answer {
    const mailbox = mailboxOf(email);
    const { zone, pageSize, textBody } = preferences(headers);
    const skip = query.get("$skiptoken");
    if (skip) {
      const page = skipTokens.get(skip);
      if (!page || page.round.email !== email || page.round.calendarId !== calendarId) return error(410, "SyncStateNotFound", "The sync state generation is not found.");
      skipTokens.delete(skip);
      return { status: 200, body: pageOut(page, pageSize, path) };
    }
    const deltaToken = query.get("$deltatoken");
    let round: DeltaRound;
    let since: number | null = null;
    if (deltaToken) {
      const previous = deltaTokens.get(deltaToken);
      if (!previous || previous.email !== email || previous.calendarId !== calendarId || previous.seq <= mailbox.expiredThrough) return error(410, "SyncStateNotFound", "The sync state generation is not found or has expired; start a new round of delta.");
      since = previous.seq;
      round = { ...previous, seq: mailbox.seq };
    } else {
      const start = Date.parse(query.get("startDateTime") ?? "");
      const end = Date.parse(query.get("endDateTime") ?? "");
      if (Number.isNaN(start) || Number.isNaN(end)) return error(400, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
      round = { email, calendarId, start: new Date(start).toISOString(), end: new Date(end).toISOString(), seq: mailbox.seq };
    }
    const from = Date.parse(round.start);
    const to = Date.parse(round.end);
    const entries: object[] = [];
    const reported = new Set<string>();
    // An exception's change moves its master too: only series changed since need expanding.
    const candidates = mailbox.allInstances((item) => item.calendarId === calendarId && (since === null || item.seq > since));
    for (const instance of candidates) {
      const master = instance.item.seriesMasterId ? mailbox.items.get(instance.item.seriesMasterId) : undefined;
      const changedSeq = Math.max(instance.item.seq, master?.seq ?? 0);
      if (since !== null && changedSeq <= since) continue;
      reported.add(instance.item.id);
      if (overlaps(instance.item, from, to)) entries.push(render(instance, zone, null, textBody));
      // Changed and now outside the window: it left the view.
      else if (since !== null) entries.push({ "@removed": { reason: "deleted" }, id: instance.item.id });
    }
    if (since !== null) {
      for (const stone of mailbox.tombstones) {
        if (stone.calendarId !== calendarId || stone.seq <= since || reported.has(stone.id) || mailbox.find(stone.id)) continue;
        reported.add(stone.id);
        entries.push({ "@removed": { reason: "deleted" }, id: stone.id });
      }
    }
    return { status: 200, body: pageOut({ round, entries, offset: 0 }, pageSize, path) };
  }

  /** What a person's Outlook would have mailed for this write: what tests assert never happens. */
  const wouldMail = (owner: string, kind: Mail["kind"], subject: string, attendees: GraphAttendee[]) => {
    if (attendees.length > 0) mail.push({ from: owner, kind, subject, to: attendees.map((attendee) => attendee.emailAddress.address) });
  };

  /** The fields of a create/PATCH body, checked as Graph checks them. */
  function applyFields(target: Partial<StoredEvent>, body: Record<string, unknown>): Answer | null {
    const get = <T>(key: string) => body[key] as T | undefined;
    if ("subject" in body) target.subject = String(get<string>("subject") ?? "");
    if ("body" in body) target.body = storedBody(get<{ content?: string; contentType?: string }>("body"));
    if ("location" in body) target.location = String(get<{ displayName?: string }>("location")?.displayName ?? "");
    if ("isAllDay" in body) target.isAllDay = Boolean(get<boolean>("isAllDay"));
    for (const key of ["start", "end"] as const) {
      if (!(key in body)) continue;
      const value = get<{ dateTime?: string; timeZone?: string }>(key);
      const instant = instantOf(value);
      if (!instant) return error(400, "ErrorInvalidRequest", `Invalid ${key}.`);
      target[key] = instant;
      if (key === "start") target.timeZone = value?.timeZone ?? "UTC";
    }
    if ("recurrence" in body) {
      const recurrence = get<StoredEvent["recurrence"]>("recurrence") ?? null;
      if (recurrence) {
        const problem = validRecurrence(recurrence);
        if (problem) return error(400, "ErrorInvalidRequest", problem);
      }
      target.recurrence = recurrence;
    }
    if ("showAs" in body) target.showAs = String(get<string>("showAs"));
    if ("sensitivity" in body) target.sensitivity = String(get<string>("sensitivity"));
    if ("isReminderOn" in body) target.isReminderOn = Boolean(get<boolean>("isReminderOn"));
    if ("reminderMinutesBeforeStart" in body) target.reminderMinutesBeforeStart = Number(get<number>("reminderMinutesBeforeStart"));
    if ("attendees" in body) target.attendees = get<GraphAttendee[]>("attendees") ?? [];
    const extended = get<{ id: string; value: string }[]>("singleValueExtendedProperties");
    if (extended) target.extended = { ...(target.extended ?? {}), ...Object.fromEntries(extended.map((property) => [property.id, property.value])) };
    return null;
  }

  const invalidTimes = (item: StoredEvent): Answer | null => {
    if (Date.parse(item.end) < Date.parse(item.start)) return error(400, "ErrorInvalidRequest", "The event's end is before its start.");
    if (item.isAllDay && (!item.start.endsWith("T00:00:00.000Z") && graphDateTime(item.start, item.timeZone).slice(11, 19) !== "00:00:00")) {
      return error(400, "ErrorInvalidRequest", "An all-day event must start and end at midnight.");
    }
    return null;
  };

  /**
   * /me/events and /me/calendar/events are the default calendar's, /me/calendars/{id}/events that
   * calendar's (`scope`: its id and the path prefix). An event's own URL finds it in any calendar
   * under /me/events, and only in its own under /me/calendars/{id}/events.
   */
  function handleEvents(email: string, scope: { calendarId: string; named: boolean; prefix: string }, method: string, segments: string[], query: URLSearchParams, headers: Record<string, string>, body: unknown): Answer {
    const mailbox = mailboxOf(email);
    const { zone, pageSize, textBody } = preferences(headers);
    const expand = expandedIds(query);
    const [id, sub] = segments;
    if (!id) {
      if (method === "POST") {
        const fields = (body ?? {}) as Record<string, unknown>;
        const transactionId = typeof fields.transactionId === "string" ? fields.transactionId : null;
        // The same transactionId twice: Graph hands back the first item instead of a second one.
        const existing = transactionId ? mailbox.items.get(mailbox.transactions.get(transactionId) ?? "") : undefined;
        if (existing) return { status: 201, body: render({ item: existing, type: existing.type === "exception" ? "exception" : "singleInstance" }, zone, expand, textBody) };
        if (!mailbox.calendars.get(scope.calendarId)?.canEdit) return error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        const draft: Partial<StoredEvent> = { calendarId: scope.calendarId };
        const problem = applyFields(draft, fields);
        if (problem) return problem;
        if (!draft.start || !draft.end) return error(400, "ErrorInvalidRequest", "An event needs a start and an end.");
        const item = mailbox.add({ ...draft, transactionId });
        const invalid = invalidTimes(item);
        if (invalid) {
          mailbox.remove(item.id);
          return invalid;
        }
        if (transactionId) mailbox.transactions.set(transactionId, item.id);
        wouldMail(email, "invitation", item.subject, item.attendees);
        return { status: 201, body: render({ item, type: "singleInstance" }, zone, expand, textBody) };
      }
      if (method !== "GET") return error(405, "ErrorInvalidRequest", "Method not allowed.");
      let filter;
      try {
        filter = query.get("$filter") ? parseFilter(query.get("$filter") ?? "") : null;
      } catch (problem) {
        return error(400, "BadRequest", (problem as FilterError).message);
      }
      const all = mailbox.itemsIn(scope.calendarId).filter((item) => item.type !== "exception" && (!filter || matches(filter, item)));
      all.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
      const top = Math.min(Number(query.get("$top") ?? pageSize), MAX_PAGE);
      const skip = Number(query.get("$skip") ?? 0);
      const page = all.slice(skip, skip + top);
      const next = new URLSearchParams(query);
      next.set("$skip", String(skip + top));
      next.set("$top", String(top));
      return {
        status: 200,
        body: {
          value: page.map((item) => render({ item, type: "singleInstance" }, zone, expand, textBody)),
          ...(skip + top < all.length ? { "@odata.nextLink": `${options.baseUrl()}/v1.0${scope.prefix}/events?${next.toString()}` } : {}),
        },
      };
    }
    const found = mailbox.find(id);
    if (!found || (scope.named && found.item.calendarId !== scope.calendarId)) return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    if (sub === "instances") {
      if (method !== "GET" || found.item.type !== "seriesMaster") return error(400, "ErrorInvalidRequest", "Instances are listed for a series master only.");
      const start = Date.parse(query.get("startDateTime") ?? "");
      const end = Date.parse(query.get("endDateTime") ?? "");
      if (Number.isNaN(start) || Number.isNaN(end)) return error(400, "ErrorInvalidParameter", "startDateTime and endDateTime are required.");
      const instances = mailbox.instancesOf(found.item).filter((instance) => overlaps(instance.item, start, end));
      // Paged like every Graph collection: $top (or the preferred page size), then @odata.nextLink.
      const top = Math.min(Number(query.get("$top") ?? pageSize), MAX_PAGE);
      const skip = Number(query.get("$skip") ?? 0);
      const next = new URLSearchParams(query);
      next.set("$skip", String(skip + top));
      return {
        status: 200,
        body: {
          value: instances.slice(skip, skip + top).map((instance) => render(instance, zone, expand, textBody)),
          ...(skip + top < instances.length ? { "@odata.nextLink": `${options.baseUrl()}/v1.0/me/events/${encodeURIComponent(id)}/instances?${next.toString()}` } : {}),
        },
      };
    }
    if (sub) return error(400, "ErrorInvalidRequest", `Unsupported segment ${sub}.`);
    if (method === "GET") return { status: 200, body: render(found, zone, expand, textBody) };
    const ifMatch = headers["if-match"];
    if (ifMatch && ifMatch !== "*" && ifMatch !== etagOf(found.type === "occurrence" ? (mailbox.items.get(found.item.seriesMasterId ?? "") ?? found.item) : found.item) && ifMatch !== etagOf(found.item)) {
      return error(412, "ErrorIrresolvableConflict", "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");
    }
    if (method === "DELETE") {
      mailbox.remove(found.item.id);
      wouldMail(email, "cancellation", found.item.subject, found.item.attendees);
      return { status: 204 };
    }
    if (method !== "PATCH") return error(405, "ErrorInvalidRequest", "Method not allowed.");
    const fields = (body ?? {}) as Record<string, unknown>;
    const target = found.type === "occurrence" ? mailbox.materialize(found.item.seriesMasterId ?? "", found.item.originalStart ?? "") : found.item;
    if (!target) return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    if (target.type === "exception" && "recurrence" in fields && fields.recurrence) return error(400, "ErrorInvalidRequest", "An occurrence cannot have a recurrence.");
    const before = structuredClone(target);
    const problem = applyFields(target, fields);
    const invalid = problem ?? invalidTimes(target);
    if (invalid) {
      Object.assign(target, before);
      return invalid;
    }
    if (target.type !== "exception") target.type = target.recurrence ? "seriesMaster" : "singleInstance";
    mailbox.touch(target);
    if ("attendees" in fields) wouldMail(email, "update", target.subject, target.attendees);
    return { status: 200, body: render({ item: target, type: target.type === "exception" ? "exception" : "singleInstance" }, zone, expand, textBody) };
  }

  /** One Graph call (top level or inside a batch), after authentication. */
  function dispatch(email: string, call: Call): Answer {
    const url = new URL(call.url, "http://graph");
    const path = url.pathname.replace(/\/+$/, "");
    const fault = takeFault(path);
    if (fault) return fault;
    const segments = path.split("/").filter(Boolean);
    if (segments[0] !== "me") return error(400, "BadRequest", "Only /me is served by this fake.");
    const mailbox = mailboxOf(email);
    let rest = segments.slice(1);
    if (rest[0] === "calendars" && !rest[1]) {
      if (call.method !== "GET") return error(405, "ErrorInvalidRequest", "Method not allowed.");
      return { status: 200, body: { value: [...mailbox.calendars.values()].map((calendar) => calendarJson(email, calendar)) } };
    }
    const scope = { calendarId: mailbox.defaultCalendarId, named: false, prefix: "/me" };
    if (rest[0] === "calendars" && rest[1]) {
      const id = decodeURIComponent(rest[1]);
      if (!mailbox.calendars.has(id)) return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
      Object.assign(scope, { calendarId: id, named: true, prefix: `/me/calendars/${rest[1]}` });
      rest = rest.slice(2);
    } else if (rest[0] === "calendar") rest = rest.slice(1);
    if (rest.length === 0 && call.method === "GET") return { status: 200, body: calendarJson(email, mailbox.calendars.get(scope.calendarId) as FakeGraphCalendar) };
    if (rest[0] === "calendarView" && rest[1] === "delta" && call.method === "GET") return delta(email, scope.calendarId, path, url.searchParams, call.headers);
    if (rest[0] === "events") return handleEvents(email, scope, call.method, rest.slice(1), url.searchParams, call.headers, call.body);
    return error(400, "BadRequest", `Unsupported request ${call.method} ${path}.`);
  }

  function batch(email: string, body: unknown): Answer {
    const requests = (body as { requests?: { id: string; method: string; url: string; headers?: Record<string, string>; body?: unknown; dependsOn?: string[] }[] } | null)?.requests;
    if (!Array.isArray(requests)) return error(400, "BadRequest", "Invalid batch payload.");
    if (requests.length > MAX_BATCH) return error(400, "BadRequest", `A batch request may hold at most ${MAX_BATCH} requests.`);
    const ids = new Set<string>();
    for (const request of requests) {
      if (!request.id || ids.has(request.id)) return error(400, "BadRequest", "Every request of a batch needs a unique id.");
      ids.add(request.id);
    }
    const statuses = new Map<string, number>();
    const responses = requests.map((request) => {
      const lowered = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
      const failedDependency = (request.dependsOn ?? []).some((dependency) => (statuses.get(dependency) ?? 424) >= 400);
      const answer = failedDependency
        ? error(424, "FailedDependency", "A request this one depends on failed.")
        : throttle.take(email) ?? dispatch(email, { method: request.method.toUpperCase(), url: request.url.startsWith("/") ? request.url : `/${request.url}`, headers: lowered, body: request.body });
      log.push(`  ${request.method.toUpperCase()} ${new URL(request.url, "http://graph").pathname}`);
      statuses.set(request.id, answer.status);
      return { id: request.id, status: answer.status, headers: { "content-type": "application/json", ...(answer.headers ?? {}) }, ...(answer.body !== undefined ? { body: answer.body } : {}) };
    });
    return { status: 200, body: { responses } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://graph");
    if (!url.pathname.startsWith("/v1.0/")) return false;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const send = (answer: Answer) => {
      res.writeHead(answer.status, { "content-type": "application/json", ...(answer.headers ?? {}) });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    };
    requests += 1;
    log.push(`${req.method} ${url.pathname}`);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const email = options.authenticate(token);
    if (!email) {
      send(error(401, "InvalidAuthenticationToken", "Access token is empty or invalid."));
      return true;
    }
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        send(error(400, "BadRequest", "Unable to read JSON request payload."));
        return true;
      }
    }
    const path = url.pathname.slice("/v1.0".length);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : (value ?? "")]));
    if (path === "/subscriptions" || path.startsWith("/subscriptions/")) {
      const id = path.split("/")[2];
      const fault = takeFault("/subscriptions");
      if (fault) send(fault);
      else if (!id && req.method === "POST") send(await subscriptions.create(email, body));
      else send(subscriptions.handle(email, req.method ?? "GET", id ? decodeURIComponent(id) : undefined, body));
      return true;
    }
    if (path === "/$batch" && req.method === "POST") {
      send(takeFault("/$batch") ?? batch(email, body));
      return true;
    }
    send(throttle.take(email) ?? dispatch(email, { method: req.method ?? "GET", url: `${path}${url.search}`, headers, body }));
    return true;
  }

  return {
    handle,
    mailboxOf,
    subscriptions,
    faults,
    mail,
    log,
    get requests() {
      return requests;
    },
    /** A per-mailbox limit on requests per sliding window (each request of a $batch counts); null lifts it. */
    setThrottle(next: ThrottleOptions | null) {
      throttle.set(next);
    },
    /** Requests refused for the mailbox limit since it was set. */
    get throttled() {
      return throttle.refused;
    },
    /** An event as a person adds it in Outlook (no property of the app's, nobody mailed). */
    userAdd(email: string, fields: Partial<StoredEvent>): StoredEvent {
      return mailboxOf(email).add({ id: newId(), ...fields });
    },
    render: (email: string, item: StoredEvent) => render({ item, type: item.type === "exception" ? "exception" : "singleInstance" }, "UTC", Object.keys(item.extended)),
  };
}

export type GraphApi = ReturnType<typeof createGraphApi>;
