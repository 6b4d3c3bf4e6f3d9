import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGraph, type FakeGraph } from "../../../fakes/graph/server";

// The fake's Graph semantics, through plain HTTP: what the provider relies on must hold here first.

let fake: FakeGraph;
let token: string;
const email = "adele@contoso.test";

beforeAll(async () => {
  fake = await startFakeGraph();
  token = fake.identity.mintAccessToken(email);
});
afterAll(() => fake.close());

const call = async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; bearer?: string | null } = {}) => {
  const response = await fetch(path.startsWith("http") ? path : `${fake.url}/v1.0${path}`, {
    method: init.method ?? "GET",
    headers: { ...(init.bearer === null ? {} : { authorization: `Bearer ${init.bearer ?? token}` }), "content-type": "application/json", ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { value?: Record<string, unknown>[]; error?: { code: string } } };
};

const event = (subject: string, start: string, end: string, extra: object = {}) => ({ subject, start: { dateTime: start, timeZone: "UTC" }, end: { dateTime: end, timeZone: "UTC" }, ...extra });
const WINDOW = "startDateTime=2026-12-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z";

describe("the fake Microsoft Graph", () => {
  it("authenticates every call with an access token of the identity platform", async () => {
    expect((await call("/me/events", { bearer: null })).body.error?.code).toBe("InvalidAuthenticationToken");
    expect((await call("/me/events", { bearer: "made-up" })).status).toBe(401);
    const other = fake.identity.mintAccessToken("revoked@contoso.test");
    expect((await call("/me/events", { bearer: other })).status).toBe(200);
    fake.identity.revokeAccessTokensOf("revoked@contoso.test");
    expect((await call("/me/events", { bearer: other })).status).toBe(401);
    const minted = (await (await fetch(`${fake.url}/__control/token?email=${email}`, { method: "POST" })).json()) as { access_token: string };
    expect((await call("/me/events", { bearer: minted.access_token })).status).toBe(200);
  });

  it("pages a calendarView delta round, then reports only what changed, deletions as @removed, and refuses expired tokens with 410", async () => {
    const mailbox = "delta@contoso.test";
    const bearer = fake.identity.mintAccessToken(mailbox);
    const created = [];
    for (let day = 1; day <= 5; day += 1) created.push((await call("/me/events", { method: "POST", bearer, body: event(`E${day}`, `2026-12-0${day}T09:00:00`, `2026-12-0${day}T10:00:00`) })).body);
    await call("/me/events", { method: "POST", bearer, body: event("Outside", "2027-03-01T09:00:00", "2027-03-01T10:00:00") });
    const pages = [];
    let next: string | null = `/me/calendarView/delta?${WINDOW}`;
    let deltaLink = "";
    while (next) {
      const page = await call(next, { bearer, headers: { prefer: "odata.maxpagesize=2" } });
      pages.push(page.body.value ?? []);
      next = (page.body["@odata.nextLink"] as string | undefined) ?? null;
      if (next) expect(next).toContain("$skiptoken=");
      deltaLink = (page.body["@odata.deltaLink"] as string | undefined) ?? deltaLink;
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((item) => item.subject).sort()).toEqual(["E1", "E2", "E3", "E4", "E5"]);
    expect(deltaLink).toContain("$deltatoken=");

    const quiet = await call(deltaLink, { bearer });
    expect(quiet.body.value).toEqual([]);
    const first = created[0] as { id: string; "@odata.etag": string };
    await call(`/me/events/${first.id}`, { method: "PATCH", bearer, body: { subject: "E1 renamed" } });
    await call(`/me/events/${(created[1] as { id: string }).id}`, { method: "DELETE", bearer });
    const changes = await call(quiet.body["@odata.deltaLink"] as string, { bearer });
    expect(changes.body.value).toEqual(expect.arrayContaining([expect.objectContaining({ id: first.id, subject: "E1 renamed" }), { "@removed": { reason: "deleted" }, id: (created[1] as { id: string }).id }]));
    expect(changes.body.value).toHaveLength(2);

    fake.graph.mailboxOf(mailbox).expireDeltaTokens();
    const expired = await call(changes.body["@odata.deltaLink"] as string, { bearer });
    expect(expired.status).toBe(410);
    expect(expired.body.error?.code).toBe("SyncStateNotFound");
    expect((await call("/me/calendarView/delta?$deltatoken=unknown", { bearer })).status).toBe(410);
  });

  it("lists occurrences and exceptions of a series in the view, with their seriesMasterId, and the master with its pattern", async () => {
    const bearer = fake.identity.mintAccessToken("series@contoso.test");
    const recurrence = { pattern: { type: "weekly", interval: 1, daysOfWeek: ["tuesday"], firstDayOfWeek: "sunday" }, range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: 4 } };
    const master = (await call("/me/events", { method: "POST", bearer, body: event("Weekly", "2026-12-01T09:00:00", "2026-12-01T10:00:00", { recurrence }) })).body as { id: string };
    const instances = (await call(`/me/events/${master.id}/instances?${WINDOW}`, { bearer })).body.value ?? [];
    expect(instances.map((instance) => [instance.type, instance.seriesMasterId, instance.originalStart])).toEqual([
      ["occurrence", master.id, "2026-12-01T09:00:00Z"],
      ["occurrence", master.id, "2026-12-08T09:00:00Z"],
      ["occurrence", master.id, "2026-12-15T09:00:00Z"],
      ["occurrence", master.id, "2026-12-22T09:00:00Z"],
    ]);
    await call(`/me/events/${instances[1]?.id as string}`, { method: "PATCH", bearer, body: { subject: "Moved" } });
    await call(`/me/events/${instances[2]?.id as string}`, { method: "DELETE", bearer });
    const view = (await call(`/me/calendarView/delta?${WINDOW}`, { bearer })).body.value ?? [];
    expect(view.map((item) => [item.type, item.subject]).sort()).toEqual([
      ["exception", "Moved"],
      ["occurrence", "Weekly"],
      ["occurrence", "Weekly"],
    ]);
    const stored = (await call(`/me/events/${master.id}`, { bearer })).body;
    expect(stored.type).toBe("seriesMaster");
    expect(stored.recurrence).toMatchObject(recurrence);
    expect((await call("/me/events", { bearer })).body.value?.map((item) => item.type)).toEqual(["seriesMaster"]);
  });

  it("drops the exceptions and deleted occurrences a changed pattern no longer produces, as Exchange does", async () => {
    const bearer = fake.identity.mintAccessToken("pattern@contoso.test");
    const recurrence = { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: 4 } };
    const master = (await call("/me/events", { method: "POST", bearer, body: event("Daily", "2026-12-01T09:00:00", "2026-12-01T10:00:00", { recurrence }) })).body as { id: string };
    const round = await call(`/me/calendarView/delta?${WINDOW}`, { bearer });
    const instances = (await call(`/me/events/${master.id}/instances?${WINDOW}`, { bearer })).body.value ?? [];
    const early = instances[0]?.id as string;
    const late = instances[3]?.id as string;
    await call(`/me/events/${early}`, { method: "PATCH", bearer, body: { subject: "Early" } });
    await call(`/me/events/${late}`, { method: "PATCH", bearer, body: { subject: "Late" } });
    await call(`/me/events/${master.id}`, { method: "PATCH", bearer, body: { recurrence: { ...recurrence, range: { ...recurrence.range, numberOfOccurrences: 2 } } } });
    expect((await call(`/me/events/${late}`, { bearer })).status).toBe(404);
    expect((await call(`/me/events/${early}`, { bearer })).body.subject).toBe("Early");
    const changes = (await call(round.body["@odata.deltaLink"] as string, { bearer })).body.value ?? [];
    expect(changes).toEqual(expect.arrayContaining([{ "@removed": { reason: "deleted" }, id: late }, expect.objectContaining({ id: early, type: "exception" })]));
  });

  it("answers a repeated transactionId with the first event, and a stale If-Match with 412", async () => {
    const bearer = fake.identity.mintAccessToken("writes@contoso.test");
    const body = event("Once", "2026-12-03T09:00:00", "2026-12-03T10:00:00", { transactionId: "tx-1" });
    const first = (await call("/me/events", { method: "POST", bearer, body })).body as { id: string; "@odata.etag": string };
    const second = (await call("/me/events", { method: "POST", bearer, body })).body as { id: string };
    expect(second.id).toBe(first.id);
    expect((await call("/me/events", { bearer })).body.value).toHaveLength(1);
    const changed = await call(`/me/events/${first.id}`, { method: "PATCH", bearer, body: { subject: "Twice" }, headers: { "if-match": first["@odata.etag"] } });
    expect(changed.status).toBe(200);
    expect(changed.body["@odata.etag"]).not.toBe(first["@odata.etag"]);
    const stale = await call(`/me/events/${first.id}`, { method: "PATCH", bearer, body: { subject: "Thrice" }, headers: { "if-match": first["@odata.etag"] } });
    expect(stale.status).toBe(412);
    expect(stale.body.error?.code).toBe("ErrorIrresolvableConflict");
    expect((await call(`/me/events/${first.id}`, { method: "DELETE", bearer, headers: { "if-match": first["@odata.etag"] } })).status).toBe(412);
    expect((await call(`/me/events/${first.id}`, { method: "DELETE", bearer, headers: { "if-match": changed.body["@odata.etag"] as string } })).status).toBe(204);
    expect((await call(`/me/events/${first.id}`, { bearer })).status).toBe(404);
  });

  it("returns times in the zone Prefer: outlook.timezone names, UTC otherwise", async () => {
    const bearer = fake.identity.mintAccessToken("zones@contoso.test");
    const created = (await call("/me/events", { method: "POST", bearer, body: { subject: "Prague", start: { dateTime: "2026-12-04T09:00:00", timeZone: "Central Europe Standard Time" }, end: { dateTime: "2026-12-04T10:00:00", timeZone: "Central Europe Standard Time" } } })).body as { id: string };
    expect((await call(`/me/events/${created.id}`, { bearer })).body.start).toEqual({ dateTime: "2026-12-04T08:00:00.0000000", timeZone: "UTC" });
    const pacific = await call(`/me/events/${created.id}`, { bearer, headers: { prefer: 'outlook.timezone="Pacific Standard Time"' } });
    expect(pacific.body.start).toEqual({ dateTime: "2026-12-04T00:00:00.0000000", timeZone: "Pacific Standard Time" });
    expect(pacific.body.originalStartTimeZone).toBe("Central Europe Standard Time");
  });

  it("filters events by a single-value extended property and expands it", async () => {
    const bearer = fake.identity.mintAccessToken("tags@contoso.test");
    const id = "String {00020329-0000-0000-c000-000000000046} Name Tag";
    await call("/me/events", { method: "POST", bearer, body: event("Tagged", "2026-12-05T09:00:00", "2026-12-05T10:00:00", { singleValueExtendedProperties: [{ id, value: "local-1" }] }) });
    await call("/me/events", { method: "POST", bearer, body: event("Plain", "2026-12-05T11:00:00", "2026-12-05T12:00:00") });
    const filter = encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${id}' and ep/value eq 'local-1')`);
    const expand = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${id}')`);
    const found = (await call(`/me/events?$filter=${filter}&$expand=${expand}`, { bearer })).body.value ?? [];
    expect(found.map((item) => [item.subject, item.singleValueExtendedProperties])).toEqual([["Tagged", [{ id, value: "local-1" }]]]);
    expect((await call(`/me/events?$filter=${encodeURIComponent("nonsense(")}`, { bearer })).status).toBe(400);
  });

  it("runs a $batch of at most 20 requests, each with its own status, including injected 429s with Retry-After", async () => {
    const bearer = fake.identity.mintAccessToken("batch@contoso.test");
    const requests = Array.from({ length: 21 }, (_, index) => ({ id: String(index + 1), method: "GET", url: "/me/events" }));
    const tooMany = await call("/$batch", { method: "POST", bearer, body: { requests } });
    expect(tooMany.status).toBe(400);
    fake.graph.faults.push({ path: "/me/events", status: 429, count: 1, retryAfterSeconds: 7 });
    const answered = await call("/$batch", {
      method: "POST",
      bearer,
      body: {
        requests: [
          { id: "a", method: "POST", url: "/me/events", body: event("Throttled", "2026-12-06T09:00:00", "2026-12-06T10:00:00"), headers: { "content-type": "application/json" } },
          { id: "b", method: "POST", url: "/me/events", body: event("Taken", "2026-12-06T11:00:00", "2026-12-06T12:00:00"), headers: { "content-type": "application/json" } },
          { id: "c", method: "GET", url: "/me/events", dependsOn: ["a"] },
        ],
      },
    });
    const responses = (answered.body as { responses: { id: string; status: number; headers: Record<string, string> }[] }).responses;
    expect(responses.map((response) => [response.id, response.status])).toEqual([
      ["a", 429],
      ["b", 201],
      ["c", 424],
    ]);
    expect(responses[0]?.headers["Retry-After"]).toBe("7");
  });

  it("records the invitation Graph would mail when an event is written with attendees", async () => {
    const bearer = fake.identity.mintAccessToken("mail@contoso.test");
    const before = fake.graph.mail.length;
    await call("/me/events", { method: "POST", bearer, body: event("Meeting", "2026-12-07T09:00:00", "2026-12-07T10:00:00", { attendees: [{ emailAddress: { address: "guest@example.com" }, type: "required" }] }) });
    expect(fake.graph.mail.slice(before)).toEqual([{ from: "mail@contoso.test", kind: "invitation", subject: "Meeting", to: ["guest@example.com"] }]);
  });
});
