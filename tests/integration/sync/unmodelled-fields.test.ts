import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getEvent, listRange, updateEvent } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { syncAccount } from "@/lib/sync/run-account";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { lastRun, userWithGoogle } from "../../helpers/google-account";

// An edit made in Atollon sends Google only the fields that changed (a PATCH), so what the app does
// not model — a colour, a video call, attachments — survives it. The real engine, store and provider.

let google: FakeGoogle;

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  for (const [name, value] of Object.entries(google.env())) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await google.close();
});

const IDLE = /^From Google: 0 created, 0 updated, 0 deleted; to Google: 0 created, 0 updated, 0 deleted/;
const december = [new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z")] as const;
const unmodelled = {
  colorId: "11",
  conferenceData: { entryPoints: [{ entryPointType: "video", uri: "https://meet.google.com/abc-defg-hij" }], conferenceId: "abc-defg-hij" },
  attachments: [{ fileUrl: "https://drive.google.com/file/d/1", title: "Budget.xlsx" }],
};

async function syncedFromGoogle() {
  const { user, email, accountId } = await userWithGoogle(google);
  const made = google.calendar.userInsert(email, {
    summary: "Budget review",
    description: "Bring the <b>numbers</b>",
    start: { dateTime: "2026-12-10T09:00:00.000Z", timeZone: "Europe/Prague" },
    end: { dateTime: "2026-12-10T10:00:00.000Z", timeZone: "Europe/Prague" },
    ...unmodelled,
  });
  await syncAccount(user.id, accountId, { trigger: "manual" });
  const [item] = await listRange(user.id, ...december);
  const event = item ? await getEvent(user.id, item.eventId) : null;
  if (!event) throw new Error("the first run did not import the event");
  return { user, email, accountId, made, event };
}

const remoteOf = (email: string, id: string) => google.calendar.events(email).find((event) => event.id === id);

describe("an edit in Atollon of an event made in Google", () => {
  it("keeps the colour, the video call and the attachments, and changes only the title", async () => {
    const { user, email, accountId, made, event } = await syncedFromGoogle();
    const db = await getDb();
    const pair = await db.syncPair.findFirstOrThrow({ where: { accountId, eventId: event.id } });
    expect(pair.base).toMatchObject({ title: "Budget review", description: "Bring the <b>numbers</b>" });

    await updateEvent(user.id, event.id, { ...event.content, title: "Budget review (moved)" });
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(await lastRun(accountId)).toMatchObject({ outcome: "COMPLETE", pushedUpdated: 1 });

    expect(remoteOf(email, made.id)).toMatchObject({ summary: "Budget review (moved)", description: "Bring the <b>numbers</b>", ...unmodelled });
    expect((await db.syncPair.findFirstOrThrow({ where: { accountId, eventId: event.id } })).base).toMatchObject({ title: "Budget review (moved)" });
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(IDLE);
  });

  it("still writes the whole event when the pair holds no base (synced before bases were kept)", async () => {
    const { user, email, accountId, made, event } = await syncedFromGoogle();
    const db = await getDb();
    await db.syncPair.updateMany({ where: { accountId }, data: { base: Prisma.DbNull } });
    await updateEvent(user.id, event.id, { ...event.content, location: "Room 4" });
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(remoteOf(email, made.id)).toMatchObject({ summary: "Budget review", location: "Room 4" });
    expect((await db.syncPair.findFirstOrThrow({ where: { accountId, eventId: event.id } })).base).toMatchObject({ location: "Room 4" });
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(IDLE);
  });
});
