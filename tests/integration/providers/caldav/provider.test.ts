import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CalDavCalendar } from "@/lib/providers/caldav/caldav-calendar";
import { discoverCalendars } from "@/lib/providers/caldav/discovery";
import { itemsOf } from "@/lib/providers/caldav/resource";
import { CursorExpiredError, RemoteUnavailableError, type ChangePage, type RemoteCalendar } from "@/lib/sync/provider";
import { eventContent } from "../../../helpers/event-content";
import { UNREACHABLE_MESSAGE } from "@/lib/net/outbound";
import { LOCAL_ENV, newCalDavCalendar, type CalDavPerson } from "../../../helpers/caldav-person";
import { startFaultProxy, type FaultProxy } from "../../../helpers/fault-proxy";
import { startRadicale, type Radicale } from "../../../helpers/radicale";

let server: Radicale;
let proxy: FaultProxy;
beforeAll(async () => {
  server = await startRadicale();
  proxy = await startFaultProxy(server.url);
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

/** A calendar, and the provider in front of it (through the proxy when asked). */
async function fresh(options: { viaProxy?: boolean; retryBudgetMs?: number } = {}): Promise<{ person: CalDavPerson; remote: CalDavCalendar }> {
  const person = await newCalDavCalendar(server);
  const calendarUrl = options.viaProxy ? person.calendarUrl.replace(server.url, proxy.url) : person.calendarUrl;
  return { person, remote: new CalDavCalendar({ calendarUrl, login: server.login, password: server.password, env: LOCAL_ENV, retryBudgetMs: options.retryBudgetMs ?? 0 }) };
}

async function list(remote: RemoteCalendar, cursor: string | null): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of remote.listChanges(cursor)) pages.push(page);
  return pages;
}

const cursorOf = (pages: ChangePage[]) => pages.at(-1)?.nextCursor ?? null;

describe("CalDAV provider against Radicale", () => {
  it("lists changes since its sync token; nothing changed costs exactly one request", async () => {
    const { person, remote } = await fresh();
    const [created] = await remote.create([{ localId: "a", content: eventContent({ title: "A" }), seriesRemoteId: null }]);
    const first = await list(remote, null);
    expect(first.flatMap((page) => page.items.map((item) => item.content?.title))).toEqual(["A"]);
    const before = remote.requestCount;
    const idle = await list(remote, cursorOf(first));
    expect(remote.requestCount - before).toBe(1);
    expect(idle.flatMap((page) => page.items)).toEqual([]);

    const other = await person.create(eventContent({ title: "B" }));
    if (created?.ok) await person.remove(created.remoteId);
    const changes = (await list(remote, cursorOf(idle))).flatMap((page) => page.items);
    expect(changes.map((item) => [item.remoteId, item.content?.title ?? null]).sort()).toEqual([[other, "B"], [created?.ok && created.remoteId, null]].sort());
  });

  it("refuses a sync token the server forgot with CursorExpiredError", async () => {
    const { person, remote } = await fresh();
    await person.create(eventContent());
    const cursor = cursorOf(await list(remote, null));
    await person.expireSyncTokens();
    await expect(list(remote, cursor)).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it("answers a stale version with a conflict (412), for updates and deletions, and a vanished event with not-found", async () => {
    const { person, remote } = await fresh();
    const [created] = await remote.create([{ localId: "c", content: eventContent({ title: "C" }), seriesRemoteId: null }]);
    if (!created?.ok) throw new Error("create failed");
    await person.edit(created.remoteId, { title: "C, changed in the phone" });
    const update = await remote.update([{ remoteId: created.remoteId, versionToken: created.versionToken, localId: "c", content: eventContent({ title: "C, changed here" }), seriesRemoteId: null, previous: null }]);
    expect(update).toMatchObject([{ ok: false, kind: "conflict" }]);
    expect(await remote.delete([{ remoteId: created.remoteId, versionToken: created.versionToken }])).toMatchObject([{ ok: false, kind: "conflict" }]);
    expect((await person.live()).map((item) => item.content?.title)).toEqual(["C, changed in the phone"]);
    const [current] = await remote.read([created.remoteId]);
    if (!current || current === "absent") throw new Error("not read");
    expect(await remote.delete([{ remoteId: created.remoteId, versionToken: current.versionToken }])).toMatchObject([{ ok: true }]);
    expect(await remote.delete([{ remoteId: created.remoteId, versionToken: current.versionToken }])).toMatchObject([{ ok: false, kind: "not-found" }]);
  });

  it("writes a series and then its exception in one run without a false conflict (its own writes move the resource's ETag)", async () => {
    const { remote } = await fresh();
    const series = eventContent({ title: "Standup", rrule: "FREQ=DAILY;COUNT=5" });
    const [master] = await remote.create([{ localId: "s", content: series, seriesRemoteId: null }]);
    if (!master?.ok) throw new Error("create failed");
    const [exception] = await remote.create([{ localId: "e", content: eventContent({ title: "Standup (late)", start: "2026-12-02T10:00:00.000Z", end: "2026-12-02T11:00:00.000Z", originalStart: "2026-12-02T09:00:00.000Z" }), seriesRemoteId: master.remoteId }]);
    if (!exception?.ok) throw new Error("exception failed");
    // The engine still holds the master's first version: it was only the exception that moved it.
    const [renamed] = await remote.update([{ remoteId: master.remoteId, versionToken: master.versionToken, localId: "s", content: { ...series, title: "Daily standup" }, seriesRemoteId: null, previous: null }]);
    expect(renamed).toMatchObject({ ok: true });
    const [again] = await remote.update([{ remoteId: exception.remoteId, versionToken: exception.versionToken, localId: "e", content: eventContent({ title: "Standup (later)", start: "2026-12-02T11:00:00.000Z", end: "2026-12-02T12:00:00.000Z", originalStart: "2026-12-02T09:00:00.000Z" }), seriesRemoteId: master.remoteId, previous: null }]);
    expect(again).toMatchObject({ ok: true });
  });

  it("finds an event a crashed run created by its local id, and a repeated create writes over it instead of duplicating", async () => {
    const { person, remote } = await fresh();
    await remote.create([{ localId: "crash-1", content: eventContent({ title: "First try" }), seriesRemoteId: null }]);
    expect((await remote.findByLocalTag(["crash-1", "never-made"])).map((item) => [item.localTag, item.content?.title])).toEqual([["crash-1", "First try"]]);
    expect(await remote.create([{ localId: "crash-1", content: eventContent({ title: "Second try" }), seriesRemoteId: null }])).toMatchObject([{ ok: true }]);
    expect((await person.live()).map((item) => item.content?.title)).toEqual(["Second try"]);
  });

  it("reads what other calendar apps write: Windows and vendor-prefixed TZIDs, a zone known only by its VTIMEZONE, DURATION, an override without its series", async () => {
    const { person } = await fresh();
    const put = (name: string, body: string) =>
      person.client.send({ method: "PUT", url: new URL(name, person.calendarUrl), headers: { "Content-Type": "text/calendar" }, body: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\n${body}END:VCALENDAR\r\n` });
    await put("windows.ics", "BEGIN:VEVENT\r\nUID:w\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=W. Europe Standard Time:20261201T090000\r\nDTEND;TZID=W. Europe Standard Time:20261201T100000\r\nSUMMARY:Windows zone\r\nEND:VEVENT\r\n");
    await put("mozilla.ics", "BEGIN:VEVENT\r\nUID:m\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20260710T090000\r\nDURATION:PT90M\r\nSUMMARY:Mozilla zone\r\nEND:VEVENT\r\n");
    await put(
      "custom.ics",
      "BEGIN:VTIMEZONE\r\nTZID:Custom Plus Five\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0500\r\nTZOFFSETTO:+0500\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:c\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Custom Plus Five:20261201T100000\r\nDTEND;TZID=Custom Plus Five:20261201T110000\r\nSUMMARY:Custom zone\r\nEND:VEVENT\r\n",
    );
    const byTitle = Object.fromEntries((await person.live()).map((item) => [item.content?.title, item]));
    expect(byTitle["Windows zone"]?.content).toMatchObject({ timeZone: "Europe/Berlin", start: "2026-12-01T08:00:00.000Z", end: "2026-12-01T09:00:00.000Z" });
    expect(byTitle["Mozilla zone"]?.content).toMatchObject({ timeZone: "America/New_York", start: "2026-07-10T13:00:00.000Z", end: "2026-07-10T14:30:00.000Z" });
    expect(byTitle["Custom zone"]?.content).toMatchObject({ start: "2026-12-01T05:00:00.000Z", end: "2026-12-01T06:00:00.000Z" });
    // Radicale refuses such a resource; other servers keep it for an invitation to one occurrence.
    const orphan = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\nBEGIN:VEVENT\r\nUID:o\r\nDTSTAMP:20261101T000000Z\r\nRECURRENCE-ID:20261203T080000Z\r\nDTSTART:20261203T090000Z\r\nDTEND:20261203T100000Z\r\nSUMMARY:One occurrence I was invited to\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    expect(itemsOf({ href: "/cal/orphan.ics", etag: '"1"', ics: orphan })).toMatchObject([{ remoteId: "/cal/orphan.ics#2026-12-03T08:00:00.000Z", seriesRemoteId: null, content: { originalStart: null, start: "2026-12-03T09:00:00.000Z" } }]);
  });

  it("retries 503, 429 with Retry-After and a dropped connection (proxy); when the retries run out the write waits for the next run", async () => {
    const { remote } = await fresh({ viaProxy: true, retryBudgetMs: 5_000 });
    proxy.inject({ kind: "status", status: 503 }, { kind: "status", status: 429, retryAfter: "0" }, { kind: "drop" });
    expect(await remote.create([{ localId: "r", content: eventContent({ title: "Retried" }), seriesRemoteId: null }])).toMatchObject([{ ok: true }]);
    const impatient = (await fresh({ viaProxy: true, retryBudgetMs: 0 })).remote;
    proxy.inject({ kind: "status", status: 503 });
    expect(await impatient.create([{ localId: "u", content: eventContent(), seriesRemoteId: null }])).toMatchObject([{ ok: false, kind: "unavailable" }]);
    proxy.inject({ kind: "drop" });
    await expect(list(impatient, null)).rejects.toBeInstanceOf(RemoteUnavailableError);
  });

  it("follows a redirect only to an address the URL guard allows", async () => {
    const { remote } = await fresh({ viaProxy: true });
    proxy.inject({ kind: "redirect", location: "http://10.1.2.3/calendars/" });
    await expect(list(remote, null)).rejects.toThrow(/local or private network/);
  });

  it("on a server without sync-collection, compares getctag: nothing changed is one request, a change lists everything again", async () => {
    const { person, remote } = await fresh({ viaProxy: true });
    proxy.refuseSyncCollection = true;
    try {
      await person.create(eventContent({ title: "Old" }));
      const first = await list(remote, null);
      expect(cursorOf(first)).toMatch(/^ctag:/);
      const before = remote.requestCount;
      expect((await list(remote, cursorOf(first))).flatMap((page) => page.items)).toEqual([]);
      expect(remote.requestCount - before).toBe(1);
      await person.create(eventContent({ title: "New" }));
      await expect(list(remote, cursorOf(first))).rejects.toBeInstanceOf(CursorExpiredError);
      expect((await list(remote, null)).flatMap((page) => page.items.map((item) => item.content?.title)).sort()).toEqual(["New", "Old"]);
    } finally {
      proxy.refuseSyncCollection = false;
    }
  });
});

describe("CalDAV discovery", () => {
  const discover = (serverUrl: string, password = server.password, env: Record<string, string> = LOCAL_ENV) => discoverCalendars({ serverUrl, login: server.login, password, env });

  it("finds the principal, its calendar home and the calendars that hold events", async () => {
    const person = await newCalDavCalendar(server, "discovered");
    await fetch(`${server.url}/${server.login}/tasks/`, {
      method: "MKCALENDAR",
      headers: { Authorization: `Basic ${Buffer.from(`${server.login}:${server.password}`).toString("base64")}` },
      body: '<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>Tasks</d:displayname><c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>',
    });
    const result = await discover(server.url);
    if (!result.ok) throw new Error(result.message);
    expect(result.calendars).toContainEqual({ url: person.calendarUrl, name: "discovered" });
    expect(result.calendars.map((calendar) => calendar.name)).not.toContain("Tasks");
  });

  it("refuses with a specific reason: wrong password, not CalDAV, and one reason for unreachable or not allowed", async () => {
    expect(await discover(server.url, "wrong")).toMatchObject({ ok: false, reason: "credentials-rejected" });
    const notDav = await startFaultProxy(server.url);
    notDav.inject({ kind: "status", status: 404 }, { kind: "status", status: 404 });
    expect(await discover(notDav.url)).toMatchObject({ ok: false, reason: "not-caldav" });
    await notDav.close();
    // A closed port and an address the app may not reach are one refusal with one message: the form
    // must not tell them apart, or it would scan the networks behind the app.
    const closedPort = await discover("http://127.0.0.1:9/");
    const notAllowed = await discover(server.url, server.password, { EWS_ALLOW_HTTP: "1" });
    const notAllowedHttps = await discover(server.url.replace("http:", "https:").replace(/:\d+$/, ":1"), server.password, {});
    for (const refused of [closedPort, notAllowed, notAllowedHttps]) expect(refused).toEqual({ ok: false, reason: "unreachable", message: UNREACHABLE_MESSAGE });
  });

  it("refuses a server whose certificate is not trusted", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "caldav-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(folder, "key.pem"), "-out", path.join(folder, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
    const tls = https.createServer({ key: readFileSync(path.join(folder, "key.pem")), cert: readFileSync(path.join(folder, "cert.pem")) }, (_request, response) => response.end());
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    try {
      expect(await discover(`https://127.0.0.1:${(tls.address() as AddressInfo).port}/`, server.password, { EWS_ALLOWED_HOSTS: "127.0.0.1" })).toMatchObject({ ok: false, reason: "tls-untrusted" });
    } finally {
      await new Promise((resolve) => tls.close(resolve));
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
