// Checks the EWS fake's answers, and the requests the product sends it, against Microsoft's EWS
// schema: drives every operation the product uses (through the product's own code where it has
// one, raw SOAP otherwise) through a recording proxy, then validates each captured message.
// The schema is not part of the project (see ../shared/reference/ews-schema/README.md), so this is a
// script and not a test: `npm run check:ews-schema`, or EWS_SCHEMA_DIR=<folder with messages.xsd
// and types.xsd> to use another copy. Prints one line per message and exits 1 on any disagreement.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { EventContent } from "@/lib/calendar/event-content";
import { testEwsConnection } from "@/lib/providers/ews/connection-test";
import { openEwsCalendar, type EwsCalendar } from "@/lib/providers/ews/ews-calendar";
import type { WriteResult } from "@/lib/sync/provider";
import { eventContent } from "@/tests/helpers/event-content";
import { ewsInstant } from "@/tests/fakes/ews/mailbox";
import { loadSchema, SchemaError, validate } from "@/tests/fakes/ews/schema-validator";
import { startFakeEws, type FakeEwsOptions } from "@/tests/fakes/ews/server";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SCHEMA_DIR = path.resolve(ROOT, process.env.EWS_SCHEMA_DIR ?? "../shared/reference/ews-schema");
const ENV = { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" };
const LOGIN = "CONTOSO\\alice";
const PASSWORD = "secret";

interface Exchange {
  step: string;
  operation: string;
  request: string;
  status: number;
  response: string;
  /** A request made malformed on purpose, to see the fault; only its answer is checked. */
  malformed: boolean;
}

/**
 * A fake Exchange behind a proxy that records every SOAP exchange as it crosses the wire, labelled
 * with the step that caused it.
 */
async function recordedFake(options: FakeEwsOptions = {}) {
  const fake = await startFakeEws(options);
  const exchanges: Exchange[] = [];
  let step = "";
  let malformed = false;
  const proxy = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const forward = http.request(`${fake.url}${request.url ?? "/"}`, { method: request.method ?? "POST", headers: request.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => parts.push(chunk));
        answer.on("end", () => {
          const text = Buffer.concat(parts).toString("utf8");
          if (/xml/.test(String(answer.headers["content-type"] ?? ""))) {
            const requestText = body.toString("utf8");
            const operation = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(requestText)?.[1] ?? "?";
            exchanges.push({ step, operation, request: requestText, status: answer.statusCode ?? 0, response: text, malformed });
          }
          response.writeHead(answer.statusCode ?? 502, answer.headers).end(text);
        });
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const ewsUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/EWS/Exchange.asmx`;
  return {
    fake,
    ewsUrl,
    exchanges,
    /** Labels the exchanges `run` causes. */
    async step<T>(name: string, run: () => Promise<T>, options: { malformed?: boolean } = {}): Promise<T> {
      step = name;
      malformed = options.malformed ?? false;
      try {
        return await run();
      } finally {
        malformed = false;
      }
    },
    open: (version?: string, calendarFolderId?: string) =>
      openEwsCalendar({ serverUrl: ewsUrl, login: LOGIN, password: PASSWORD, env: ENV, retryBudgetMs: 60_000, sleep: async () => {}, ...(version ? { version } : {}), ...(calendarFolderId ? { calendarFolderId } : {}) }),
    raw: (body: string) =>
      fetch(ewsUrl, { method: "POST", headers: { "Content-Type": "text/xml; charset=utf-8", Authorization: `Basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString("base64")}` }, body }).then((answer) => answer.text()),
    close: () => Promise.all([fake.close(), new Promise((resolve) => proxy.close(resolve))]),
  };
}

const envelope = (version: string, body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="${version}"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

function ok(result: WriteResult | undefined): { remoteId: string; versionToken: string } {
  if (!result?.ok) throw new Error(`a write the check relies on failed: ${result ? result.message : "no result"}`);
  return result;
}

async function drain(calendar: EwsCalendar, cursor: string | null): Promise<string | null> {
  let next: string | null = null;
  for await (const page of calendar.listChanges(cursor)) next = page.nextCursor ?? next;
  return next;
}

const TRICKY = "A & B <c> \"q\" 'a' 😀 שלום";
const attendees: EventContent["attendees"] = [
  { email: "bob@contoso.test", name: TRICKY, response: "accepted", optional: false },
  { email: "carol@contoso.test", name: null, response: "needsAction", optional: true },
];
const series = (overrides: Partial<EventContent> = {}) =>
  eventContent({ title: "Standup", start: "2026-12-01T09:00:00.000Z", end: "2026-12-01T09:30:00.000Z", rrule: "FREQ=WEEKLY;COUNT=10", attendees, reminders: [10], ...overrides });

/** Everything the product does against a current Exchange (requests at Exchange2013_SP1). */
async function current(): Promise<Exchange[]> {
  const server = await recordedFake();
  const { fake } = server;
  try {
    await server.step("connection test", () => testEwsConnection({ login: LOGIN, password: PASSWORD, serverUrl: server.ewsUrl, env: ENV }));
    const calendar = await server.open();
    const team = fake.mailbox.addFolder("Team");
    fake.mailbox.addFolder("Projects", { parentId: team.id });
    fake.mailbox.addFolder("Birthdays", { folderClass: "IPF.Appointment.Birthday" });
    await server.step("calendars (GetFolder, FindFolder Deep)", () => calendar.listCalendars());
    const teamCalendar = await server.open(undefined, team.id);
    await server.step("create in a calendar below (CreateItem SavedItemFolderId)", () => teamCalendar.create([{ localId: "team", content: eventContent({ title: "Team lunch" }), seriesRemoteId: null }]));
    await server.step("sync of a calendar below (SyncFolderItems FolderId)", () => drain(teamCalendar, null));
    await server.step("find by tag in a calendar below (FindItem FolderId)", () => teamCalendar.findByLocalTag(["team"]));
    const [single, , master] = await server.step("create", () =>
      calendar.create([
        { localId: "single", content: eventContent({ title: TRICKY, description: TRICKY, location: TRICKY, attendees, reminders: [15] }), seriesRemoteId: null },
        { localId: "all-day", content: eventContent({ title: "Holiday", allDay: true, start: "2026-12-24", end: "2026-12-27", timeZone: null, transparency: "transparent" }), seriesRemoteId: null },
        { localId: "series", content: series(), seriesRemoteId: null },
      ]),
    );
    const ours = ok(single);
    const weekly = ok(master);
    await server.step("exception (occurrence update)", () =>
      calendar.create([{ localId: "moved", content: series({ rrule: null, title: "Moved", originalStart: "2026-12-08T09:00:00.000Z", start: "2026-12-08T10:00:00.000Z", end: "2026-12-08T10:30:00.000Z" }), seriesRemoteId: weekly.remoteId }]),
    );
    await server.step("cancelled exception (occurrence delete)", () =>
      calendar.create([{ localId: "gone", content: series({ rrule: null, status: "cancelled", originalStart: "2026-12-15T09:00:00.000Z", start: "2026-12-15T09:00:00.000Z", end: "2026-12-15T09:30:00.000Z" }), seriesRemoteId: weekly.remoteId }]),
    );
    // Made in Outlook: enough singles for two SyncFolderItems pages, and a series with its own exception and deletion.
    const outlook = Array.from({ length: 520 }, (_, index) => fake.mailbox.add({ subject: `Outlook ${index}`, start: "2026-12-02T09:00:00Z", end: "2026-12-02T10:00:00Z", startTimeZone: "W. Europe Standard Time", endTimeZone: "W. Europe Standard Time" }));
    const other = fake.mailbox.add({
      subject: "Outlook weekly",
      start: "2026-12-01T09:00:00Z",
      end: "2026-12-01T10:00:00Z",
      startTimeZone: "Pacific Standard Time",
      endTimeZone: "Pacific Standard Time",
      required: [{ name: "Dave", email: "dave@contoso.test", response: "Tentative" }],
      recurrence: { pattern: { kind: "RelativeMonthly", interval: 1, dayOfWeek: "Tuesday", index: "First" }, range: { kind: "EndDate", startDate: "2026-12-01", endDate: "2027-06-30" } },
    });
    const moved = ewsInstant("2027-01-05T09:00:00Z");
    other.exceptions.set(moved, { ...other, id: "x", changeKey: "ck", originalStart: moved, start: ewsInstant("2027-01-05T11:00:00Z"), end: ewsInstant("2027-01-05T12:00:00Z"), subject: "Moved in Outlook" });
    other.deleted.add(ewsInstant("2027-02-02T09:00:00Z"));
    fake.mailbox.touch(other);

    const cursor = await server.step("full sync (paged)", () => drain(calendar, null));
    await server.step("update", () => calendar.update([{ remoteId: ours.remoteId, versionToken: ours.versionToken, localId: "single", content: eventContent({ title: "Renamed", attendees }), previous: null, seriesRemoteId: null }]));
    const renamed = fake.mailbox.items.get(ours.remoteId);
    // Someone else's edit between the provider's read and its write.
    fake.beforeNext("UpdateItem", () => renamed && fake.mailbox.touch(renamed));
    await server.step("stale update (ErrorIrresolvableConflict)", () =>
      calendar.update([{ remoteId: ours.remoteId, versionToken: renamed?.changeKey ?? "", localId: "single", content: eventContent({ title: "Lost" }), previous: null, seriesRemoteId: null }]),
    );
    fake.mailbox.omitConflictResults = true;
    const unchecked = fake.mailbox.items.get(ours.remoteId);
    await server.step("update answered without ConflictResults", () =>
      calendar.update([{ remoteId: ours.remoteId, versionToken: unchecked?.changeKey ?? "", localId: "single", content: eventContent({ title: "Renamed again", attendees }), previous: eventContent({ title: "Renamed", attendees }), seriesRemoteId: null }]),
    );
    fake.mailbox.omitConflictResults = false;
    const html = fake.mailbox.add({ subject: "HTML, 2007 zone", body: "<p>Agenda</p>", bodyType: "HTML", legacyTimeZone: "(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", start: "2026-12-03T09:00:00Z", end: "2026-12-03T10:00:00Z" });
    fake.mailbox.busyReads.set(html.id, { times: 1, backOffMs: 1 });
    await server.step("item busy once inside a 200 answer, HTML body, TimeZone string only", () => calendar.read([html.id]));
    await server.step("delete", () => calendar.delete([{ remoteId: weekly.remoteId, versionToken: fake.mailbox.items.get(weekly.remoteId)?.changeKey ?? "" }]));
    for (const item of outlook.slice(0, 3)) fake.mailbox.remove(item.id);
    await server.step("update of a deleted item", () => calendar.update([{ remoteId: outlook[0]?.id ?? "", versionToken: "", localId: "x", content: eventContent(), previous: null, seriesRemoteId: null }]));
    await server.step("incremental sync (deletions)", () => drain(calendar, cursor));
    await server.step("find by tag (FindItem)", () => calendar.findByLocalTag(["single", "all-day"]));
    await server.step("calendar view (FindItem, raw)", () =>
      server.raw(
        envelope(
          "Exchange2013_SP1",
          `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="calendar:Start"/><t:FieldURI FieldURI="calendar:End"/><t:ExtendedFieldURI PropertySetId="00020329-0000-0000-C000-000000000046" PropertyName="x" PropertyType="String"/></t:AdditionalProperties></m:ItemShape><m:CalendarView MaxEntriesReturned="20" StartDate="2026-12-01T00:00:00Z" EndDate="2027-03-01T00:00:00Z"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>`,
        ),
      ),
    );
    await server.step("occurrence out of range (GetItem, raw)", () =>
      server.raw(
        envelope(
          "Exchange2013_SP1",
          `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${other.id}" InstanceIndex="99"/><t:ItemId Id="AAMkADnothere"/></m:ItemIds></m:GetItem>`,
        ),
      ),
    );
    await server.step("calendar view too big (FindItem, raw)", () =>
      server.raw(
        envelope(
          "Exchange2013_SP1",
          `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:CalendarView StartDate="2026-01-01T00:00:00Z" EndDate="2029-01-01T00:00:00Z"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>`,
        ),
      ),
    );
    await server.step("create without SendMeetingInvitations (raw)", () =>
      server.raw(envelope("Exchange2013_SP1", `<m:CreateItem><m:Items><t:CalendarItem><t:Subject>x</t:Subject></t:CalendarItem></m:Items></m:CreateItem>`)),
    );
    await server.step("update without SendMeetingInvitationsOrCancellations (raw)", () =>
      server.raw(
        envelope(
          "Exchange2013_SP1",
          `<m:UpdateItem ConflictResolution="AutoResolve"><m:ItemChanges><t:ItemChange><t:ItemId Id="${other.id}" ChangeKey="${other.changeKey}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>x</t:Subject></t:CalendarItem></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
        ),
      ),
    );
    await server.step("delete without SendMeetingCancellations (raw)", () =>
      server.raw(envelope("Exchange2013_SP1", `<m:DeleteItem DeleteType="MoveToDeletedItems"><m:ItemIds><t:ItemId Id="${other.id}"/></m:ItemIds></m:DeleteItem>`)),
    );
    fake.throttle(1, 2500);
    await server.step("throttled (ErrorServerBusy)", () => drain(calendar, cursor));
    await server.step("invalid sync state", () => drain(calendar, Buffer.from("stale").toString("base64")).catch(() => null));
    await server.step("malformed request (ErrorSchemaValidation)", () => server.raw(envelope("Exchange2013_SP1", `<m:GetFolder><m:FolderShape><t:BaseShape>A & B</t:BaseShape></m:FolderShape></m:GetFolder>`)), { malformed: true });
  } finally {
    await server.close();
  }
  return server.exchanges;
}

/** Exchange 2007 SP1: no Version in ServerVersionInfo, MeetingTimeZone instead of Start/EndTimeZone. */
async function exchange2007(): Promise<Exchange[]> {
  const server = await recordedFake({ version: { major: 8, minor: 3, build: 83, revision: 6, name: "Exchange2007_SP1" } });
  try {
    const test = await server.step("2007: connection test", () => testEwsConnection({ login: LOGIN, password: PASSWORD, serverUrl: server.ewsUrl, env: ENV }));
    const calendar = await server.open(test.ok ? (test.serverVersion ?? undefined) : undefined);
    // A weekly series: its pattern has no FirstDayOfWeek before Exchange2010_SP1.
    await server.step("2007: create", () => calendar.create([{ localId: "s", content: series({ rrule: "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5" }), seriesRemoteId: null }]));
    await server.step("2007: full sync", () => drain(calendar, null));
    await server.step("2007: newer version than the server (raw)", () =>
      server.raw(envelope("Exchange2010", `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>`)),
    );
  } finally {
    await server.close();
  }
  return server.exchanges;
}

let schema;
try {
  schema = loadSchema(SCHEMA_DIR);
} catch (error) {
  if (!(error instanceof SchemaError)) throw error;
  console.error(
    `Cannot use the EWS schema in ${SCHEMA_DIR}: ${error.message}\nThe check needs messages.xsd and types.xsd as Exchange publishes them (at /EWS/messages.xsd and /EWS/types.xsd); by default in ../shared/reference/ews-schema beside the repository, or in the folder EWS_SCHEMA_DIR names.`,
  );
  process.exit(2);
}

const exchanges = [...(await current()), ...(await exchange2007())];
const name = (index: number, kind: string) => `${String(index + 1).padStart(3, "0")}-${exchanges[index]?.operation}-${kind}.xml`;
const requests = await validate(
  schema,
  "request",
  exchanges.flatMap((exchange, index) => (exchange.malformed ? [] : [{ name: name(index, "request"), xml: exchange.request }])),
);
const responses = await validate(
  schema,
  "response",
  exchanges.map((exchange, index) => ({ name: name(index, "response"), xml: exchange.response })),
);
const results = new Map([...requests, ...responses].map((checked) => [checked.name, checked.errors]));

let failures = 0;
exchanges.forEach((exchange, index) => {
  for (const kind of ["request", "response"] as const) {
    const errors = results.get(name(index, kind));
    const label = `${String(index + 1).padStart(3)} ${exchange.operation.padEnd(16)} ${kind.padEnd(8)} ${kind === "response" ? `HTTP ${exchange.status}` : "        "}  [${exchange.step}]`;
    if (!errors) {
      console.log(`skip ${label}: malformed on purpose`);
      continue;
    }
    if (errors.length === 0) {
      console.log(`OK   ${label}`);
      continue;
    }
    failures += 1;
    console.log(`FAIL ${label}\n${errors.map((error) => `       ${error}`).join("\n")}`);
  }
});
console.log(`\n${exchanges.length} exchanges, ${results.size} messages checked against ${SCHEMA_DIR}: ${failures === 0 ? "all valid" : `${failures} invalid`}.`);
process.exit(failures === 0 ? 0 : 1);
