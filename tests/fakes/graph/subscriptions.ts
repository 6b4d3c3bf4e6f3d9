// Change-notification subscriptions as Microsoft Graph keeps them, for the signed-in user's events:
// POST/GET/PATCH/DELETE /v1.0/subscriptions with Graph's rules — an https notificationUrl (and
// lifecycleNotificationUrl), changeType among created/updated/deleted, a clientState of at most
// 128 characters, an expirationDateTime in the future and at most 10,080 minutes away (Outlook
// resources), and the validation handshake: before creating, Graph POSTs
// `{url}?validationToken=<opaque>` to each URL and wants the token back, 200 text/plain, within
// 10 s. Live subscriptions get a changeNotificationCollection after every change of the mailbox;
// lifecycle events (reauthorizationRequired, subscriptionRemoved, missed) go to the lifecycle URL.
// Deliveries are recorded with the receiver's status; unlike Graph, a refused one is not retried.
import { createHash, randomUUID } from "node:crypto";
import { FAKE_MICROSOFT_CLIENT, TENANT_ID } from "./identity";

export interface FakeSubscription {
  id: string;
  /** The mailbox whose user created it. */
  email: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  /** Milliseconds since the epoch. */
  expiration: number;
  /** Deleted by the app (DELETE) or removed by Graph (a subscriptionRemoved lifecycle event). */
  deletedAt: string | null;
  /** Every delivery attempt, in order: what it carried and the receiver's HTTP status (0: unreachable or too slow). */
  deliveries: { kind: "change" | "lifecycle"; events: string[]; status: number }[];
}

export type LifecycleEvent = "reauthorizationRequired" | "subscriptionRemoved" | "missed";

interface Answer {
  status: number;
  body?: unknown;
}

/** Graph's longest lifetime for a subscription on Outlook events, messages or contacts. */
export const MAX_SUBSCRIPTION_MINUTES = 10_080;
const MAX_CLIENT_STATE = 128;
/** Graph waits this long for a validation answer, and for a notification's. */
const RESPONSE_TIMEOUT_MS = 10_000;
const CHANGE_TYPES = ["created", "updated", "deleted"];

const error = (status: number, code: string, message: string): Answer => ({ status, body: { error: { code, message, innerError: { date: new Date().toISOString(), "request-id": randomUUID() } } } });
const notFound = () => error(404, "ResourceNotFound", "The object was not found.");

/** Graph names users by their object id in notification resources; a stable one per mailbox. */
const userIdOf = (email: string) => {
  const hex = createHash("sha256").update(`user:${email}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

export function createSubscriptions(options: { allowHttp: boolean }) {
  const subscriptions = new Map<string, FakeSubscription>();
  const pending = new Map<string, object[]>();
  const inFlight = new Set<Promise<unknown>>();

  const live = (subscription: FakeSubscription) => subscription.deletedAt === null && subscription.expiration > Date.now();

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  function checkUrl(name: string, value: unknown): string | Answer {
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      return error(400, "InvalidRequest", `Invalid ${name}.`);
    }
    if (url.protocol !== "https:" && !(options.allowHttp && url.protocol === "http:")) return error(400, "InvalidRequest", `The ${name} must be an HTTPS URL.`);
    return url.href;
  }

  function checkExpiration(value: unknown): number | Answer {
    const expiration = Date.parse(String(value));
    if (Number.isNaN(expiration)) return error(400, "InvalidRequest", "expirationDateTime is required and must be a date and time.");
    if (expiration <= Date.now()) return error(400, "InvalidRequest", "Subscription expiration must be in the future.");
    if (expiration > Date.now() + MAX_SUBSCRIPTION_MINUTES * 60_000) {
      return error(400, "InvalidRequest", `Subscription expiration can only be ${MAX_SUBSCRIPTION_MINUTES} minutes in the future.`);
    }
    return expiration;
  }

  /** The handshake: the endpoint must echo the (decoded) token, 200 text/plain, in time. */
  async function validates(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = new URL(url);
    target.searchParams.set("validationToken", token);
    try {
      const response = await track(fetch(target, { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS) }));
      const type = response.headers.get("content-type") ?? "";
      return response.status === 200 && type.split(";")[0]?.trim().toLowerCase() === "text/plain" && (await response.text()) === token;
    } catch {
      return false;
    }
  }

  const render = (subscription: FakeSubscription) => ({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
    id: subscription.id,
    resource: subscription.resource,
    applicationId: FAKE_MICROSOFT_CLIENT.clientId,
    changeType: subscription.changeType,
    clientState: subscription.clientState,
    notificationUrl: subscription.notificationUrl,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: new Date(subscription.expiration).toISOString(),
    creatorId: userIdOf(subscription.email),
    includeResourceData: false,
    latestSupportedTlsVersion: "v1_2",
    notificationUrlAppId: null,
  });

  function post(url: string, kind: "change" | "lifecycle", subscription: FakeSubscription, value: object[]): Promise<void> {
    return track(
      fetch(url, { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify({ value }), signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS) })
        .then((response) => response.status, () => 0)
        .then((status) => {
          const events = value.map((entry) => String((entry as { changeType?: string; lifecycleEvent?: string }).changeType ?? (entry as { lifecycleEvent?: string }).lifecycleEvent));
          subscription.deliveries.push({ kind, events, status });
        }),
    );
  }

  const base = (subscription: FakeSubscription) => ({
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: new Date(subscription.expiration).toISOString(),
    tenantId: TENANT_ID,
    ...(subscription.clientState !== null ? { clientState: subscription.clientState } : {}),
  });

  function flush(subscriptionId: string): void {
    const value = pending.get(subscriptionId) ?? [];
    pending.delete(subscriptionId);
    const subscription = subscriptions.get(subscriptionId);
    if (subscription && live(subscription) && value.length > 0) void post(subscription.notificationUrl, "change", subscription, value);
  }

  return {
    /** POST /v1.0/subscriptions by the user of `email`. */
    async create(email: string, body: unknown): Promise<Answer> {
      const input = (body ?? {}) as Record<string, unknown>;
      const changeTypes = String(input.changeType ?? "").split(",").map((value) => value.trim());
      if (changeTypes.length === 0 || changeTypes.some((value) => !CHANGE_TYPES.includes(value))) return error(400, "InvalidRequest", "changeType must be created, updated or deleted, comma-separated.");
      const resource = String(input.resource ?? "").replace(/^\//, "");
      if (!/^me\/(events|calendar\/events|calendars\/[^/]+\/events)$/i.test(resource)) return error(400, "InvalidRequest", `Unsupported resource '${resource}' for this fake.`);
      const notificationUrl = checkUrl("notificationUrl", input.notificationUrl);
      if (typeof notificationUrl !== "string") return notificationUrl;
      const lifecycleNotificationUrl = input.lifecycleNotificationUrl === undefined ? null : checkUrl("lifecycleNotificationUrl", input.lifecycleNotificationUrl);
      if (lifecycleNotificationUrl !== null && typeof lifecycleNotificationUrl !== "string") return lifecycleNotificationUrl;
      const clientState = input.clientState === undefined ? null : String(input.clientState);
      if (clientState !== null && clientState.length > MAX_CLIENT_STATE) return error(400, "InvalidRequest", `clientState must be at most ${MAX_CLIENT_STATE} characters.`);
      const expiration = checkExpiration(input.expirationDateTime);
      if (typeof expiration !== "number") return expiration;
      // Both endpoints are validated, each with its own token.
      if (!(await validates(notificationUrl))) return error(400, "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
      if (lifecycleNotificationUrl !== null && !(await validates(lifecycleNotificationUrl))) {
        return error(400, "ValidationError", "Subscription validation request failed. Lifecycle notification endpoint must respond with 200 OK to validation request.");
      }
      const subscription: FakeSubscription = { id: randomUUID(), email, resource: input.resource as string, changeType: changeTypes.join(","), notificationUrl, lifecycleNotificationUrl, clientState, expiration, deletedAt: null, deliveries: [] };
      subscriptions.set(subscription.id, subscription);
      return { status: 201, body: render(subscription) };
    },
    /** GET, PATCH or DELETE /v1.0/subscriptions/{id}, or GET /v1.0/subscriptions: a user sees only their own live ones. */
    handle(email: string, method: string, id: string | undefined, body: unknown): Answer {
      if (!id) {
        if (method !== "GET") return error(405, "InvalidRequest", "Method not allowed.");
        return { status: 200, body: { value: [...subscriptions.values()].filter((subscription) => subscription.email === email && live(subscription)).map(render) } };
      }
      const subscription = subscriptions.get(id);
      if (!subscription || subscription.email !== email || !live(subscription)) return notFound();
      if (method === "GET") return { status: 200, body: render(subscription) };
      if (method === "DELETE") {
        subscription.deletedAt = new Date().toISOString();
        return { status: 204 };
      }
      if (method !== "PATCH") return error(405, "InvalidRequest", "Method not allowed.");
      const expiration = checkExpiration((body as { expirationDateTime?: unknown } | null)?.expirationDateTime);
      if (typeof expiration !== "number") return expiration;
      subscription.expiration = expiration;
      return { status: 200, body: render(subscription) };
    },
    /** The mailbox of `email` changed: each live subscription on it gets the change in its next collection (one per burst, as Graph batches). */
    /** A change of an event in the default calendar (`calendarId` null) or in another: told to the subscriptions on that calendar. */
    changed(email: string, changeType: "created" | "updated" | "deleted", itemId: string, calendarId: string | null = null): void {
      for (const subscription of subscriptions.values()) {
        if (subscription.email !== email || !live(subscription) || !subscription.changeType.split(",").includes(changeType)) continue;
        const named = /^\/?me\/calendars\/([^/]+)\/events$/i.exec(subscription.resource)?.[1];
        if ((named ? decodeURIComponent(named) : null) !== calendarId) continue;
        const resource = `Users/${userIdOf(email)}/Events/${itemId}`;
        const entry = { ...base(subscription), changeType, resource, resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource, id: itemId } };
        const queued = pending.get(subscription.id);
        if (queued) queued.push(entry);
        else {
          pending.set(subscription.id, [entry]);
          setImmediate(() => flush(subscription.id));
        }
      }
    },
    /**
     * Sends a lifecycle event to the subscription's lifecycle URL (none without one, as Graph).
     * subscriptionRemoved ends the subscription first. False when there is nothing to send to.
     */
    lifecycle(id: string, event: LifecycleEvent): boolean {
      const subscription = subscriptions.get(id);
      if (!subscription || !live(subscription) || subscription.lifecycleNotificationUrl === null) return false;
      if (event === "subscriptionRemoved") subscription.deletedAt = new Date().toISOString();
      const resource = `Users/${userIdOf(subscription.email)}/Events`;
      void post(subscription.lifecycleNotificationUrl, "lifecycle", subscription, [{ ...base(subscription), lifecycleEvent: event, resource, resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource } }]);
      return true;
    },
    /** Every subscription ever created, live, expired or deleted, oldest first. */
    list(email?: string): (FakeSubscription & { state: "live" | "expired" | "deleted" })[] {
      return [...subscriptions.values()]
        .filter((subscription) => email === undefined || subscription.email === email.toLowerCase())
        .map((subscription) => ({ ...subscription, state: subscription.deletedAt !== null ? "deleted" : live(subscription) ? "live" : "expired" }));
    },
    /** Ends a subscription's life now, as its expiration would. */
    expire(id: string): boolean {
      const subscription = subscriptions.get(id);
      if (!subscription) return false;
      subscription.expiration = Date.now() - 1;
      return true;
    },
    /** Resolves when every handshake and delivery started so far has been answered. */
    async settled(): Promise<void> {
      await new Promise((resolve) => setImmediate(resolve));
      while (inFlight.size > 0) {
        await Promise.allSettled([...inFlight]);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
