import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TENANT_ID } from "../../../fakes/graph/identity";
import { startFakeGraph, type FakeGraph } from "../../../fakes/graph/server";

// The fake's subscriptions against Graph's rules, over HTTP as an app would use them. The receiver
// plays the app's webhook; how it answers validation requests is set per test.

type Behaviour = "echo" | "json" | "wrong" | "500";

let strict: FakeGraph;
let lenient: FakeGraph;
let receiver: http.Server;
let receiverUrl: string;
let behaviour: Behaviour = "echo";
const validations: string[] = [];
const deliveries: { path: string; body: { value: Record<string, unknown>[] } }[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      const token = url.searchParams.get("validationToken");
      if (token !== null) {
        validations.push(`${url.pathname} ${token}`);
        if (behaviour === "500") return void res.writeHead(500).end();
        if (behaviour === "json") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(token));
        return void res.writeHead(200, { "content-type": "text/plain" }).end(behaviour === "wrong" ? "something else" : token);
      }
      deliveries.push({ path: url.pathname, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as { value: Record<string, unknown>[] } });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  strict = await startFakeGraph();
  lenient = await startFakeGraph({ allowHttpPush: true });
});

afterAll(async () => {
  await Promise.all([strict.close(), lenient.close()]);
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const MINUTE = 60_000;

function call(fake: FakeGraph, email: string, method: string, path: string, body?: object) {
  return fetch(`${fake.url}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${fake.identity.mintAccessToken(email)}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const request = (overrides: Record<string, unknown> = {}) => ({
  changeType: "created,updated,deleted",
  resource: "me/events",
  notificationUrl: `${receiverUrl}/changes`,
  lifecycleNotificationUrl: `${receiverUrl}/lifecycle`,
  clientState: "the-client-state",
  expirationDateTime: new Date(Date.now() + 60 * MINUTE).toISOString(),
  ...overrides,
});

async function subscribe(email: string, overrides: Record<string, unknown> = {}) {
  const answer = await call(lenient, email, "POST", "/subscriptions", request(overrides));
  return { status: answer.status, body: (await answer.json()) as { id: string; expirationDateTime: string; error?: { code: string; message: string } } };
}

describe("the fake Graph's subscriptions", () => {
  it("refuses an http notification URL unless started with allowHttpPush, and validates both URLs with their own tokens", async () => {
    behaviour = "echo";
    const refused = await call(strict, "ann@contoso.test", "POST", "/subscriptions", request());
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/HTTPS/);

    validations.length = 0;
    const { status, body } = await subscribe("ann@contoso.test");
    expect(status).toBe(201);
    expect(body).toMatchObject({ resource: "me/events", changeType: "created,updated,deleted", clientState: "the-client-state", notificationUrl: `${receiverUrl}/changes` });
    expect(validations).toHaveLength(2);
    expect(validations[0]).toMatch(/^\/changes Validation: Testing client application reachability for subscription Request-Id: [\w-]+$/);
    expect(validations[1]).toMatch(/^\/lifecycle Validation: /);
    expect(validations[0]?.split(" ").at(-1)).not.toBe(validations[1]?.split(" ").at(-1));
  });

  it("creates nothing when the endpoint does not echo the token as 200 text/plain", async () => {
    for (const wrong of ["json", "wrong", "500"] as const) {
      behaviour = wrong;
      const { status, body } = await subscribe("bob@contoso.test");
      expect(status).toBe(400);
      expect(body.error?.code).toBe("ValidationError");
    }
    behaviour = "echo";
    expect(lenient.graph.subscriptions.list("bob@contoso.test")).toHaveLength(0);
  });

  it("holds expirationDateTime to the future and at most 10,080 minutes away, and clientState to 128 characters", async () => {
    behaviour = "echo";
    const email = "cy@contoso.test";
    expect((await subscribe(email, { expirationDateTime: new Date(Date.now() + 10_081 * MINUTE).toISOString() })).status).toBe(400);
    expect((await subscribe(email, { expirationDateTime: new Date(Date.now() - MINUTE).toISOString() })).status).toBe(400);
    expect((await subscribe(email, { expirationDateTime: "soon" })).status).toBe(400);
    expect((await subscribe(email, { clientState: "x".repeat(129) })).status).toBe(400);
    expect((await subscribe(email, { changeType: "created,moved" })).status).toBe(400);
    const { status, body } = await subscribe(email, { expirationDateTime: new Date(Date.now() + 10_079 * MINUTE).toISOString() });
    expect(status).toBe(201);

    expect((await call(lenient, email, "PATCH", `/subscriptions/${body.id}`, { expirationDateTime: new Date(Date.now() + 10_090 * MINUTE).toISOString() })).status).toBe(400);
    const renewedAt = new Date(Date.now() + 30 * MINUTE).toISOString();
    const renewed = await call(lenient, email, "PATCH", `/subscriptions/${body.id}`, { expirationDateTime: renewedAt });
    expect(renewed.status).toBe(200);
    expect(((await renewed.json()) as { expirationDateTime: string }).expirationDateTime).toBe(renewedAt);
  });

  it("shows, renews and deletes a subscription only for the user who made it; deleted or expired ones are gone", async () => {
    behaviour = "echo";
    const { body } = await subscribe("dee@contoso.test");
    const other = await subscribe("eve@contoso.test");
    expect((await call(lenient, "eve@contoso.test", "GET", `/subscriptions/${body.id}`)).status).toBe(404);
    expect((await call(lenient, "eve@contoso.test", "DELETE", `/subscriptions/${body.id}`)).status).toBe(404);
    const listed = (await (await call(lenient, "dee@contoso.test", "GET", "/subscriptions")).json()) as { value: { id: string }[] };
    expect(listed.value.map((subscription) => subscription.id)).toEqual([body.id]);

    expect((await call(lenient, "dee@contoso.test", "DELETE", `/subscriptions/${body.id}`)).status).toBe(204);
    expect((await call(lenient, "dee@contoso.test", "GET", `/subscriptions/${body.id}`)).status).toBe(404);
    expect((await call(lenient, "dee@contoso.test", "DELETE", `/subscriptions/${body.id}`)).status).toBe(404);

    const expire = await fetch(`${lenient.url}/__control/subscriptions/expire`, { method: "POST", body: JSON.stringify({ id: other.body.id }) });
    expect(await expire.json()).toEqual({ expired: true });
    expect((await call(lenient, "eve@contoso.test", "PATCH", `/subscriptions/${other.body.id}`, { expirationDateTime: new Date(Date.now() + MINUTE).toISOString() })).status).toBe(404);
    const control = (await (await fetch(`${lenient.url}/__control/subscriptions`)).json()) as { subscriptions: { id: string; state: string }[] };
    expect(control.subscriptions.find((subscription) => subscription.id === body.id)?.state).toBe("deleted");
    expect(control.subscriptions.find((subscription) => subscription.id === other.body.id)?.state).toBe("expired");
  });

  it("posts Graph's notification collection after changes through the API and straight into the mailbox, to live subscriptions only", async () => {
    behaviour = "echo";
    const email = "fay@contoso.test";
    const { body } = await subscribe(email);
    deliveries.length = 0;

    const created = await call(lenient, email, "POST", "/me/events", { subject: "Planning", start: { dateTime: "2026-12-08T10:00:00", timeZone: "UTC" }, end: { dateTime: "2026-12-08T11:00:00", timeZone: "UTC" } });
    const { id } = (await created.json()) as { id: string };
    await lenient.graph.subscriptions.settled();
    expect(deliveries).toHaveLength(1);
    const [notification] = deliveries[0]?.body.value ?? [];
    expect(deliveries[0]?.path).toBe("/changes");
    expect(notification).toEqual({
      subscriptionId: body.id,
      subscriptionExpirationDateTime: body.expirationDateTime,
      changeType: "created",
      clientState: "the-client-state",
      tenantId: TENANT_ID,
      resource: expect.stringMatching(new RegExp(`^Users/[0-9a-f-]{36}/Events/${id}$`)) as unknown,
      resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": notification?.resource, id },
    });

    await fetch(`${lenient.url}/__control/patch?email=${email}`, { method: "POST", body: JSON.stringify([{ id, change: { subject: "Planning (moved)" } }]) });
    expect((await call(lenient, email, "DELETE", `/me/events/${id}`)).status).toBe(204);
    await lenient.graph.subscriptions.settled();
    expect(deliveries.flatMap((delivery) => delivery.body.value.map((entry) => entry.changeType))).toEqual(["created", "updated", "deleted"]);

    lenient.graph.subscriptions.expire(body.id);
    lenient.graph.userAdd(email, { subject: "After the end", start: "2026-12-09T10:00:00.000Z", end: "2026-12-09T11:00:00.000Z" });
    await lenient.graph.subscriptions.settled();
    expect(deliveries).toHaveLength(3);
  });

  it("sends lifecycle events to the lifecycle URL on request; subscriptionRemoved ends the subscription", async () => {
    behaviour = "echo";
    const { body } = await subscribe("gus@contoso.test");
    deliveries.length = 0;
    for (const event of ["reauthorizationRequired", "missed", "subscriptionRemoved"]) {
      const answer = await fetch(`${lenient.url}/__control/subscriptions/lifecycle`, { method: "POST", body: JSON.stringify({ id: body.id, event }) });
      expect(await answer.json()).toEqual({ sent: true });
      await lenient.graph.subscriptions.settled();
    }
    expect(deliveries.map((delivery) => [delivery.path, delivery.body.value[0]?.lifecycleEvent, delivery.body.value[0]?.clientState])).toEqual([
      ["/lifecycle", "reauthorizationRequired", "the-client-state"],
      ["/lifecycle", "missed", "the-client-state"],
      ["/lifecycle", "subscriptionRemoved", "the-client-state"],
    ]);
    expect(deliveries[0]?.body.value[0]).not.toHaveProperty("changeType");
    expect(lenient.graph.subscriptions.list("gus@contoso.test")[0]?.state).toBe("deleted");
    expect(lenient.graph.subscriptions.lifecycle(body.id, "missed")).toBe(false);
  });
});
