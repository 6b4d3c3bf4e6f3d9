import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GooglePushError, stopChannel, watchCalendarEvents } from "@/lib/providers/google/push";
import { FAKE_CLIENT } from "../../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../../fakes/google/server";

// events.watch and channels.stop through googleapis, against the fake Google's rules.
const EMAIL = "watcher@gmail.com";
let google: FakeGoogle;
let strictGoogle: FakeGoogle;
let receiver: http.Server;
let address: string;
const received: Record<string, string | undefined>[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    received.push(req.headers as Record<string, string>);
    req.resume().on("end", () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [], allowHttpPush: true });
  strictGoogle = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
});

afterAll(async () => {
  await Promise.all([google.close(), strictGoogle.close(), new Promise<void>((resolve) => receiver.close(() => resolve()))]);
});

const watch = (fake: FakeGoogle, channelId: string, target = address) =>
  watchCalendarEvents({ apiUrl: `${fake.url}/`, accessToken: fake.oauth.grant(EMAIL).accessToken, channelId, token: "channel-token", address: target, ttlSeconds: 3600 });

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => (error instanceof GooglePushError ? { status: error.status, reason: error.reason } : error));

describe("Google push channels", () => {
  it("opens a channel that announces itself, then each burst of changes, with Google's headers", async () => {
    const opened = await watch(google, "11111111-1111-4111-8111-111111111111");
    expect(Math.abs(opened.expiresAt.getTime() - (Date.now() + 3600_000))).toBeLessThan(5000);
    await google.calendar.channels.settled();
    google.calendar.userInsert(EMAIL, { summary: "One", start: { date: "2026-12-01" }, end: { date: "2026-12-02" } });
    google.calendar.userInsert(EMAIL, { summary: "Two", start: { date: "2026-12-03" }, end: { date: "2026-12-04" } });
    await google.calendar.channels.settled();
    expect(received.map((headers) => headers["x-goog-resource-state"])).toEqual(["sync", "exists"]);
    const [sync, exists] = received;
    expect(sync).toMatchObject({ "x-goog-channel-id": opened.id, "x-goog-channel-token": "channel-token", "x-goog-resource-id": opened.resourceId, "x-goog-message-number": "1", "content-length": "0" });
    expect(Number(exists?.["x-goog-message-number"])).toBeGreaterThan(1);
    expect(Date.parse(exists?.["x-goog-channel-expiration"] ?? "")).toBe(Math.floor(opened.expiresAt.getTime() / 1000) * 1000);
    expect(exists?.["x-goog-resource-uri"]).toMatch(/^https:\/\/www\.googleapis\.com\/calendar\/v3\/calendars\/primary\/events/);
  });

  it("refuses a duplicate channel id, and an http address unless allowed", async () => {
    await watch(google, "22222222-2222-4222-8222-222222222222");
    expect(await refusal(watch(google, "22222222-2222-4222-8222-222222222222"))).toEqual({ status: 400, reason: "channelIdNotUnique" });
    expect(await refusal(watch(strictGoogle, "33333333-3333-4333-8333-333333333333"))).toEqual({ status: 400, reason: "push.webhookUrlNotHttps" });
  });

  it("stops a channel once, and an expired channel delivers nothing", async () => {
    const opened = await watch(google, "44444444-4444-4444-8444-444444444444");
    const target = { apiUrl: `${google.url}/`, accessToken: google.oauth.grant(EMAIL).accessToken, channelId: opened.id, resourceId: opened.resourceId };
    expect(await stopChannel(target)).toBe(true);
    expect(await stopChannel(target)).toBe(false);

    const expiring = await watch(google, "55555555-5555-4555-8555-555555555555");
    expect(await (await fetch(`${google.url}/__control/channels/expire?id=${expiring.id}`)).json()).toEqual({ expired: true });
    await google.calendar.channels.settled();
    received.length = 0;
    google.calendar.userInsert(EMAIL, { summary: "Three", start: { date: "2026-12-05" }, end: { date: "2026-12-06" } });
    await google.calendar.channels.settled();
    expect(received.map((headers) => headers["x-goog-channel-id"])).not.toContain(expiring.id);
    const listed = ((await (await fetch(`${google.url}/__control/channels?email=${EMAIL}`)).json()) as { channels: { id: string; live: boolean; stoppedAt: string | null }[] }).channels;
    expect(listed.find((channel) => channel.id === opened.id)).toMatchObject({ live: false });
    expect(listed.find((channel) => channel.id === opened.id)?.stoppedAt).not.toBeNull();
    expect(listed.find((channel) => channel.id === expiring.id)).toMatchObject({ live: false, stoppedAt: null });
  });
});
