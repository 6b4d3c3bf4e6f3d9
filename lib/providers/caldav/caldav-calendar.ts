import {
  AuthorizationError,
  CursorExpiredError,
  RemoteUnavailableError,
  type ChangePage,
  type CreateRequest,
  type DeleteRequest,
  type KnownItem,
  type ListingContext,
  type RemoteCalendar,
  type RemoteItem,
  type UpdateRequest,
  type WriteResult,
} from "@/lib/sync/provider";
import { multiget, namesPrecondition, parseMultistatus, propfind, syncCollection, textOf } from "@/lib/providers/caldav/dav-xml";
import { DavClient, DavTransportError, type DavAnswer, type DavClientOptions, type DavRequest } from "@/lib/providers/caldav/http";
import { OwnWrites } from "@/lib/providers/caldav/own-writes";
import { exceptionId, itemsOf, newCalendar, parseCalendar, parseItemId, putComponent, removeComponent, serializeCalendar, type Resource } from "@/lib/providers/caldav/resource";

/** Resources read per calendar-multiget. */
export const MULTIGET_BATCH = 100;
/** PUTs and DELETEs under way at once (CalDAV has no batch request). */
const PARALLEL_WRITES = 6;

export interface CalDavCalendarOptions extends DavClientOptions {
  /** The calendar collection chosen when the account was added. */
  calendarUrl: string;
}

/**
 * One calendar collection of a CalDAV server as a RemoteCalendar. Changes come from WebDAV sync
 * (RFC 6578 sync-collection, its sync token the cursor); a server without it is compared by its
 * CalendarServer getctag, and when that moved, listed in full by ETag. Bodies are read by
 * calendar-multiget; writes are PUTs with If-Match (If-None-Match: * for a new resource), deletions
 * DELETEs with If-Match, so a resource someone changed meanwhile answers 412 — a conflict for the
 * engine. A new resource is named after the local event id, and carries it in X-ATOLLON-ID.
 */
export class CalDavCalendar implements RemoteCalendar {
  readonly writeBatchSize = MULTIGET_BATCH;
  private readonly client: DavClient;
  private readonly calendar: URL;
  /** The latest body and ETag seen of each resource, so an update needs no read of its own. */
  private readonly cache = new Map<string, Resource>();
  private readonly own = new OwnWrites();
  /** null until the server has shown whether it answers sync-collection. */
  private syncCollection: boolean | null = null;

  constructor(options: CalDavCalendarOptions) {
    this.client = new DavClient(options);
    this.calendar = new URL(options.calendarUrl.endsWith("/") ? options.calendarUrl : `${options.calendarUrl}/`);
  }

  get requestCount(): number {
    return this.client.requestCount;
  }

  /** A server's href in one spelling (its path, percent-encoding normalised), so ids compare equal. */
  private hrefOf(raw: string): string {
    return new URL(raw, this.calendar).pathname;
  }

  private async send(request: DavRequest, what: string): Promise<DavAnswer> {
    let answer: DavAnswer;
    try {
      answer = await this.client.send(request);
    } catch (error) {
      if (error instanceof DavTransportError) throw new RemoteUnavailableError(`The CalDAV server could not be reached for ${what}: ${error.message}`, null);
      throw error;
    }
    if (answer.status === 401) throw new AuthorizationError("The CalDAV server refused the login or password.", "password-rejected");
    if (answer.status === 429 || answer.status >= 500) throw new RemoteUnavailableError(`The CalDAV server is unavailable (HTTP ${answer.status}) for ${what}.`, answer.status);
    return answer;
  }

  async *listChanges(cursor: string | null, context?: ListingContext): AsyncIterable<ChangePage> {
    if (cursor?.startsWith("ctag:") || (cursor === null && this.syncCollection === false)) {
      yield* this.listByCtag(cursor ? cursor.slice(5) : null, context);
      return;
    }
    if (cursor !== null && !cursor.startsWith("sync:")) throw new CursorExpiredError();
    let token = cursor ? cursor.slice(5) : null;
    const changed = new Map<string, string>();
    const deleted = new Set<string>();
    for (;;) {
      const answer = await this.send({ method: "REPORT", url: this.calendar, headers: { "Content-Type": "application/xml; charset=utf-8", Depth: "0" }, body: syncCollection(token) }, "the list of changes (sync-collection)");
      if (token && (answer.status === 403 || answer.status === 409) && namesPrecondition(answer.body, "valid-sync-token")) throw new CursorExpiredError();
      const status = answer.status === 207 ? parseMultistatus(answer.body) : null;
      if (!status) {
        if (token === null && [400, 403, 405, 409, 415, 501].includes(answer.status)) {
          this.syncCollection = false;
          yield* this.listByCtag(null, context);
          return;
        }
        if (token && answer.status === 403) throw new CursorExpiredError();
        throw this.refused(answer, "the list of changes (sync-collection)");
      }
      this.syncCollection = true;
      let truncated = false;
      for (const response of status.responses) {
        const href = this.hrefOf(response.href);
        if (href === this.calendar.pathname || href.endsWith("/")) {
          // RFC 6578 §3.6: 507 on the collection itself means "more changes: ask again from this token".
          truncated ||= response.status === 507;
          continue;
        }
        if (response.status === 404) {
          changed.delete(href);
          deleted.add(href);
        } else {
          deleted.delete(href);
          changed.set(href, textOf(response.props.getetag));
        }
      }
      token = status.syncToken ?? token;
      if (!truncated || !status.syncToken) break;
    }
    if (!token) throw new RemoteUnavailableError("The CalDAV server sent no sync token.", null);
    yield* this.pages(changed, deleted, context, `sync:${token}`);
  }

  /** For servers without sync-collection: nothing to do while the ctag stands, else every ETag. */
  private async *listByCtag(previous: string | null, context?: ListingContext): AsyncIterable<ChangePage> {
    const head = await this.send({ method: "PROPFIND", url: this.calendar, headers: { "Content-Type": "application/xml; charset=utf-8", Depth: "0" }, body: propfind("<cs:getctag/>") }, "the calendar's version (getctag)");
    const ctag = textOf(parseMultistatus(head.body)?.responses[0]?.props.getctag).trim();
    if (previous !== null) {
      if (ctag !== "" && ctag === previous) {
        yield { items: [], nextCursor: `ctag:${ctag}` };
        return;
      }
      throw new CursorExpiredError("The calendar changed and the server offers no list of changes: it is compared in full.");
    }
    const answer = await this.send({ method: "PROPFIND", url: this.calendar, headers: { "Content-Type": "application/xml; charset=utf-8", Depth: "1" }, body: propfind("<d:getetag/><d:resourcetype/>") }, "the list of events (PROPFIND)");
    const status = answer.status === 207 ? parseMultistatus(answer.body) : null;
    if (!status) throw this.refused(answer, "the list of events (PROPFIND)");
    const all = new Map<string, string>();
    for (const response of status.responses) {
      const href = this.hrefOf(response.href);
      if (href === this.calendar.pathname || href.endsWith("/") || !response.props.getetag) continue;
      all.set(href, textOf(response.props.getetag));
    }
    yield* this.pages(all, new Set(), context, `ctag:${ctag}`);
  }

  /** Reads what the engine does not hold yet, MULTIGET_BATCH resources a page. */
  private async *pages(changed: Map<string, string>, deleted: Set<string>, context: ListingContext | undefined, nextCursor: string): AsyncIterable<ChangePage> {
    const known = context && changed.size + deleted.size > 0 ? await context.known([...changed.keys()]) : new Map<string, KnownItem>();
    const unchanged: string[] = [];
    const toRead: string[] = [];
    for (const [href, etag] of changed) {
      const held = known.get(href);
      // An unchanged resource vouches for its overrides, which live inside it.
      if (held && etag !== "" && held.versionToken === etag) unchanged.push(href, ...held.exceptionIds);
      else toRead.push(href);
    }
    const deletions: RemoteItem[] = [...deleted].map((href) => ({ remoteId: href, versionToken: "", localTag: null, seriesRemoteId: null, content: null, updatedAt: null }));
    for (let start = 0; start < toRead.length || start === 0; start += MULTIGET_BATCH) {
      const batch = toRead.slice(start, start + MULTIGET_BATCH);
      const read = batch.length > 0 ? await this.readResources(batch) : new Map<string, Resource | null>();
      const items: RemoteItem[] = [];
      for (const href of batch) {
        const resource = read.get(href);
        const found = resource ? itemsOf(resource) : [];
        if (!resource) items.push({ remoteId: href, versionToken: "", localTag: null, seriesRemoteId: null, content: null, updatedAt: null });
        items.push(...found);
        // An override removed from its resource is reported as deleted.
        const present = new Set(found.map((item) => item.remoteId));
        for (const id of known.get(href)?.exceptionIds ?? []) {
          if (!present.has(id)) items.push({ remoteId: id, versionToken: "", localTag: null, seriesRemoteId: resource ? href : null, content: null, updatedAt: null });
        }
      }
      const last = start + MULTIGET_BATCH >= toRead.length;
      if (!last) {
        yield { items };
        continue;
      }
      yield { items: [...items, ...deletions], ...(unchanged.length > 0 ? { unchanged } : {}), nextCursor };
    }
  }

  /** Bodies and ETags by href (null: the server has no such resource), by calendar-multiget. */
  private async readResources(hrefs: string[]): Promise<Map<string, Resource | null>> {
    const found = new Map<string, Resource | null>(hrefs.map((href) => [href, null]));
    for (let start = 0; start < hrefs.length; start += MULTIGET_BATCH) {
      const batch = hrefs.slice(start, start + MULTIGET_BATCH);
      const answer = await this.send({ method: "REPORT", url: this.calendar, headers: { "Content-Type": "application/xml; charset=utf-8", Depth: "1" }, body: multiget(batch) }, "reading events (calendar-multiget)");
      const status = answer.status === 207 ? parseMultistatus(answer.body) : null;
      if (!status) throw this.refused(answer, "reading events (calendar-multiget)");
      for (const response of status.responses) {
        const data = textOf(response.props["calendar-data"]);
        if (!data) continue;
        const resource = { href: this.hrefOf(response.href), etag: textOf(response.props.getetag), ics: data };
        found.set(resource.href, resource);
        this.cache.set(resource.href, resource);
      }
    }
    return found;
  }

  async findByLocalTag(localIds: string[]): Promise<RemoteItem[]> {
    const wanted = new Set(localIds);
    const read = await this.readResources(localIds.map((id) => this.hrefFor(id)));
    return [...read.values()].flatMap((resource) => (resource ? itemsOf(resource) : [])).filter((item) => item.localTag !== null && wanted.has(item.localTag));
  }

  async read(remoteIds: string[]): Promise<(RemoteItem | "absent" | null)[]> {
    let read: Map<string, Resource | null>;
    try {
      read = await this.readResources([...new Set(remoteIds.map((id) => parseItemId(id).href))]);
    } catch (error) {
      if (error instanceof RemoteUnavailableError) return remoteIds.map(() => null);
      throw error;
    }
    const items = new Map([...read.values()].flatMap((resource) => (resource ? itemsOf(resource) : [])).map((item) => [item.remoteId, item]));
    return remoteIds.map((id) => items.get(id) ?? "absent");
  }

  /** Where a new event of this app goes: named after its local id, so a repeated create finds it. */
  private hrefFor(localId: string): string {
    return `${this.calendar.pathname}${encodeURIComponent(localId)}.ics`;
  }

  create(requests: CreateRequest[]): Promise<WriteResult[]> {
    return this.writeAll(requests, (request) => {
      if (request.seriesRemoteId || request.content.originalStart) {
        if (!request.seriesRemoteId || !request.content.originalStart) return Promise.resolve({ ok: false, kind: "rejected", message: "An exception needs its series and its original start." });
        return this.change(request.seriesRemoteId, request.content.originalStart, null, (calendar) => putComponent(calendar, request.content.originalStart, request.content, request.localId, request.localId));
      }
      return this.createResource(request);
    });
  }

  update(requests: UpdateRequest[]): Promise<WriteResult[]> {
    return this.writeAll(requests, (request) => {
      const { href, originalStart } = parseItemId(request.remoteId);
      return this.change(href, originalStart, request.versionToken, (calendar) => putComponent(calendar, originalStart, request.content, request.localId, request.localId));
    });
  }

  delete(requests: DeleteRequest[]): Promise<WriteResult[]> {
    return this.writeAll(requests, (request) => {
      const { href, originalStart } = parseItemId(request.remoteId);
      if (originalStart !== null) return this.change(href, originalStart, request.versionToken, (calendar) => void removeComponent(calendar, originalStart));
      return this.deleteResource(href, request.versionToken);
    });
  }

  /**
   * Runs writes a few at a time; writes to one resource (a series and its overrides) one after the
   * other, in request order. The resources that updates need are read first, one multiget a hundred.
   */
  private async writeAll<R extends { remoteId?: string; seriesRemoteId?: string | null }>(requests: R[], write: (request: R) => Promise<WriteResult>): Promise<WriteResult[]> {
    const hrefOfRequest = (request: R) => (request.remoteId ? parseItemId(request.remoteId).href : (request.seriesRemoteId ?? null));
    const needed = [...new Set(requests.flatMap((request) => hrefOfRequest(request) ?? []))].filter((href) => !this.cache.has(href));
    if (needed.length > 0) {
      try {
        await this.readResources(needed);
      } catch (error) {
        if (!(error instanceof RemoteUnavailableError)) throw error;
        return requests.map(() => ({ ok: false, kind: "unavailable", message: error.message }));
      }
    }
    const groups = new Map<string, number[]>();
    requests.forEach((request, index) => {
      const key = hrefOfRequest(request) ?? `new:${index}`;
      groups.set(key, [...(groups.get(key) ?? []), index]);
    });
    const results: WriteResult[] = new Array(requests.length);
    const queue = [...groups.values()];
    const worker = async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        for (const index of group) results[index] = await this.guarded(() => write(requests[index] as R));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, queue.length) }, worker));
    return results;
  }

  /** One item's failure to reach the server is that item's, for the next run; a refused password stops the run. */
  private async guarded(write: () => Promise<WriteResult>): Promise<WriteResult> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof RemoteUnavailableError) return { ok: false, kind: "unavailable", message: error.message };
      throw error;
    }
  }

  private async createResource(request: CreateRequest): Promise<WriteResult> {
    const href = this.hrefFor(request.localId);
    const calendar = newCalendar();
    putComponent(calendar, null, request.content, request.localId, request.localId);
    const body = serializeCalendar(calendar);
    const answer = await this.send({ method: "PUT", url: new URL(href, this.calendar), headers: { "Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*" }, body }, "creating an event (PUT)");
    // Already there: a create a crashed run sent. It is this event's own resource: write over it.
    if (answer.status === 412) return this.change(href, null, null, (existing) => putComponent(existing, null, request.content, request.localId, request.localId));
    return this.written(href, null, null, answer, body);
  }

  private async deleteResource(href: string, versionToken: string): Promise<WriteResult> {
    const current = this.cache.get(href);
    const etag = current && this.own.stillValid(href, current.etag, versionToken, null, true) ? current.etag : versionToken;
    const answer = await this.send({ method: "DELETE", url: new URL(href, this.calendar), headers: etag ? { "If-Match": etag } : {} }, "deleting an event (DELETE)");
    this.cache.delete(href);
    if (answer.status === 404 || answer.status === 410) return { ok: false, kind: "not-found", message: "The event no longer exists on the CalDAV server." };
    if (answer.status === 412) return { ok: false, kind: "conflict", message: "The event changed on the CalDAV server meanwhile." };
    if (answer.status >= 300) return this.rejected(answer, "deleting an event");
    return { ok: true, remoteId: href, versionToken: "" };
  }

  /**
   * Changes one component of an existing resource: its master (originalStart null) or one override.
   * `versionToken` null writes whatever the resource holds now (an exception's create); otherwise a
   * resource changed by anyone but this provider since that version is a conflict.
   */
  private async change(href: string, originalStart: string | null, versionToken: string | null, mutate: (calendar: ReturnType<typeof newCalendar>) => void): Promise<WriteResult> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = this.cache.get(href) ?? (await this.readResources([href])).get(href) ?? null;
      if (!current) return { ok: false, kind: "not-found", message: "The event no longer exists on the CalDAV server." };
      if (versionToken !== null && !this.own.stillValid(href, current.etag, versionToken, originalStart, false)) {
        return { ok: false, kind: "conflict", message: "The event changed on the CalDAV server meanwhile." };
      }
      let calendar;
      try {
        calendar = parseCalendar(current.ics);
      } catch {
        return { ok: false, kind: "rejected", message: "The CalDAV server holds this event in a form that cannot be read." };
      }
      mutate(calendar);
      const body = serializeCalendar(calendar);
      const answer = await this.send({ method: "PUT", url: new URL(href, this.calendar), headers: { "Content-Type": "text/calendar; charset=utf-8", "If-Match": current.etag }, body }, "saving an event (PUT)");
      if (answer.status === 412) {
        this.cache.delete(href);
        if (versionToken === null) continue;
        return { ok: false, kind: "conflict", message: "The event changed on the CalDAV server meanwhile." };
      }
      if (answer.status === 404 || answer.status === 410) {
        this.cache.delete(href);
        return { ok: false, kind: "not-found", message: "The event no longer exists on the CalDAV server." };
      }
      return this.written(href, current.etag, originalStart, answer, body);
    }
    return { ok: false, kind: "unavailable", message: "The event kept changing on the CalDAV server; it is written next time." };
  }

  /** After a PUT: the new ETag (read back when the server did not send one, as it may when it rewrote the body). */
  private async written(href: string, before: string | null, originalStart: string | null, answer: DavAnswer, body: string): Promise<WriteResult> {
    if (answer.status >= 300) return this.rejected(answer, "saving an event");
    const header = answer.headers.etag;
    let etag = (Array.isArray(header) ? header[0] : header) ?? "";
    if (etag) this.cache.set(href, { href, etag, ics: body });
    else {
      this.cache.delete(href);
      etag = (await this.readResources([href])).get(href)?.etag ?? "";
    }
    if (before) this.own.record(href, before, etag, originalStart);
    const id = originalStart === null ? href : exceptionId(href, originalStart);
    return { ok: true, remoteId: id, versionToken: etag };
  }

  private rejected(answer: DavAnswer, what: string): WriteResult {
    const detail = answer.body.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
    return { ok: false, kind: "rejected", message: `The CalDAV server refused ${what} (HTTP ${answer.status}${detail ? `: ${detail}` : ""}).` };
  }

  private refused(answer: DavAnswer, what: string): Error {
    if (answer.status === 404) return new RemoteUnavailableError(`The calendar was not found on the CalDAV server (${what}): it may have been deleted or moved.`, 404);
    return new RemoteUnavailableError(`The CalDAV server answered HTTP ${answer.status} to ${what}.`, answer.status);
  }
}
