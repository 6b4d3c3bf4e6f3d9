// Acting on a CalDAV calendar as a person in another calendar app would: whole .ics resources
// written straight to the server with no tag of this app, and the occurrence of a series deleted
// the way Apple Calendar and Thunderbird delete it (an EXDATE on the master, the override removed).
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { EventContent } from "@/lib/calendar/event-content";
import { CalDavCalendar } from "@/lib/providers/caldav/caldav-calendar";
import { DavClient } from "@/lib/providers/caldav/http";
import { LOCAL_ID } from "@/lib/providers/caldav/ical-event";
import { findComponent, itemsOf, newCalendar, parseCalendar, parseItemId, putComponent, removeComponent, serializeCalendar } from "@/lib/providers/caldav/resource";
import type { RemoteItem } from "@/lib/sync/provider";
import type { Radicale } from "./radicale";

export const LOCAL_ENV = { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" };

export interface CalDavPerson {
  calendarUrl: string;
  client: DavClient;
  create(content: EventContent, seriesRemoteId?: string | null): Promise<string>;
  edit(remoteId: string, change: Partial<EventContent>): Promise<void>;
  remove(remoteId: string): Promise<void>;
  /** Every item with content, read through a provider of its own. */
  live(): Promise<RemoteItem[]>;
  /** The raw .ics of a resource. */
  raw(href: string): Promise<string>;
  /** Radicale forgets every sync token issued so far. */
  expireSyncTokens(): Promise<void>;
}

/** Makes a new calendar collection for `server`'s user and returns hands to use it. */
export async function newCalDavCalendar(server: Radicale, name: string = randomUUID()): Promise<CalDavPerson> {
  const client = new DavClient({ login: server.login, password: server.password, env: LOCAL_ENV, retryBudgetMs: 0 });
  const calendarUrl = `${server.url}/${server.login}/${name}/`;
  const made = await fetch(calendarUrl, {
    method: "MKCALENDAR",
    headers: { Authorization: `Basic ${Buffer.from(`${server.login}:${server.password}`).toString("base64")}`, "Content-Type": "application/xml; charset=utf-8" },
    body: `<?xml version="1.0" encoding="utf-8"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>${name}</d:displayname><c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>`,
  });
  if (made.status >= 300) throw new Error(`could not make the calendar: ${made.status} ${await made.text()}`);
  const read = async (href: string) => {
    const answer = await client.send({ method: "GET", url: new URL(href, calendarUrl) });
    if (answer.status !== 200) return null;
    const header = answer.headers.etag;
    return { href, etag: (Array.isArray(header) ? header[0] : header) ?? "", ics: answer.body };
  };
  const put = async (href: string, ics: string, etag: string | null) => {
    const answer = await client.send({ method: "PUT", url: new URL(href, calendarUrl), headers: { "Content-Type": "text/calendar; charset=utf-8", ...(etag ? { "If-Match": etag } : { "If-None-Match": "*" }) }, body: ics });
    if (answer.status >= 300) throw new Error(`PUT ${href}: ${answer.status} ${answer.body}`);
  };
  const observer = new CalDavCalendar({ calendarUrl, login: server.login, password: server.password, env: LOCAL_ENV, retryBudgetMs: 0 });
  const untagged = (calendar: ReturnType<typeof newCalendar>, originalStart: string | null) => findComponent(calendar, originalStart)?.removeAllProperties(LOCAL_ID);
  const collection = new URL(calendarUrl).pathname;

  const person: CalDavPerson = {
    calendarUrl,
    client,
    async create(content, seriesRemoteId = null) {
      if (seriesRemoteId && content.originalStart) {
        const series = await read(seriesRemoteId);
        if (!series) return `${seriesRemoteId}#${content.originalStart}`;
        const calendar = parseCalendar(series.ics);
        if (content.status === "cancelled") excludeOccurrence(calendar, content.originalStart);
        else {
          putComponent(calendar, content.originalStart, content, "", "");
          untagged(calendar, content.originalStart);
        }
        await put(seriesRemoteId, serializeCalendar(calendar), series.etag);
        return `${seriesRemoteId}#${content.originalStart}`;
      }
      const uid = randomUUID();
      const href = `${collection}person-${uid}.ics`;
      const calendar = newCalendar();
      putComponent(calendar, null, content, "", uid);
      untagged(calendar, null);
      await put(href, serializeCalendar(calendar), null);
      return href;
    },
    async edit(remoteId, change) {
      const { href, originalStart } = parseItemId(remoteId);
      const resource = await read(href);
      const item = resource && itemsOf(resource).find((candidate) => candidate.remoteId === remoteId);
      if (!resource || !item?.content) return;
      const calendar = parseCalendar(resource.ics);
      putComponent(calendar, originalStart, { ...item.content, ...change }, item.localTag ?? "", "");
      if (!item.localTag) untagged(calendar, originalStart);
      await put(href, serializeCalendar(calendar), resource.etag);
    },
    async remove(remoteId) {
      const { href, originalStart } = parseItemId(remoteId);
      const resource = await read(href);
      if (!resource) return;
      if (originalStart === null) {
        await client.send({ method: "DELETE", url: new URL(href, calendarUrl), headers: { "If-Match": resource.etag } });
        return;
      }
      const calendar = parseCalendar(resource.ics);
      excludeOccurrence(calendar, originalStart);
      await put(href, serializeCalendar(calendar), resource.etag);
    },
    async live() {
      const items: RemoteItem[] = [];
      for await (const page of observer.listChanges(null)) items.push(...page.items.filter((item) => item.content !== null));
      return items;
    },
    async raw(href) {
      return (await read(href))?.ics ?? "";
    },
    async expireSyncTokens() {
      // Radicale answers an unchanged collection's token without looking it up: a to-do (which this
      // app's listing passes over) changes the collection, so the forgotten token is looked up and refused.
      const uid = randomUUID();
      await put(`${collection}expiry-${uid}.ics`, `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:To-do\r\nEND:VTODO\r\nEND:VCALENDAR\r\n`, null);
      await rm(path.join(server.storage, "collection-root", ...collection.split("/").filter(Boolean).map(decodeURIComponent), ".Radicale.cache", "sync-token"), { recursive: true, force: true });
    },
  };
  return person;
}

/** "Delete this occurrence": its override goes, and the master excludes its start. */
function excludeOccurrence(calendar: ReturnType<typeof newCalendar>, originalStart: string): void {
  removeComponent(calendar, originalStart);
  const master = findComponent(calendar, null);
  if (!master) return;
  const resource = { href: "x", etag: "", ics: serializeCalendar(calendar) };
  const content = itemsOf(resource).find((item) => item.seriesRemoteId === null)?.content;
  const tag = master.getFirstPropertyValue(LOCAL_ID);
  if (!content || content.exdates.includes(originalStart)) return;
  putComponent(calendar, null, { ...content, exdates: [...content.exdates, originalStart] }, typeof tag === "string" ? tag : "", "");
  if (typeof tag !== "string") master.removeAllProperties(LOCAL_ID);
}
