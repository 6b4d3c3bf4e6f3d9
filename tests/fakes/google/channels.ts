// Push notification channels as Google keeps them: events.watch opens one per calendar, Google
// posts a `sync` message at once and an `exists` message after changes, until the channel is
// stopped or expires. Deliveries carry Google's X-Goog-* headers and no body.
import { randomBytes } from "node:crypto";

export interface FakeChannel {
  id: string;
  resourceId: string;
  resourceUri: string;
  /** The calendar owner (the Google account that watched it). */
  email: string;
  address: string;
  token: string | null;
  /** Milliseconds since the epoch. */
  expiration: number;
  stoppedAt: string | null;
  messageNumber: number;
  /** Every delivery attempt, in order: the resource state and the receiver's HTTP status (0: unreachable). */
  deliveries: { state: "sync" | "exists"; status: number }[];
}

interface CallResult {
  status: number;
  body?: unknown;
}

/** Google's default and longest channel lifetime for calendar events: one week. */
const MAX_TTL_SECONDS = 7 * 24 * 3600;

const error = (status: number, reason: string, message: string): CallResult => ({
  status,
  body: { error: { errors: [{ domain: "global", reason, message }], code: status, message } },
});

export function createChannels(options: { allowHttp: boolean }) {
  const channels = new Map<string, FakeChannel>();
  const resourceIds = new Map<string, string>();
  const pending = new Set<string>();
  const inFlight = new Set<Promise<void>>();

  const live = (channel: FakeChannel) => channel.stoppedAt === null && channel.expiration > Date.now();

  function deliver(channel: FakeChannel, state: "sync" | "exists"): void {
    // Google numbers messages in increasing order, but not one by one.
    channel.messageNumber = state === "sync" ? 1 : channel.messageNumber + 1 + Math.floor(Math.random() * 3);
    const headers: Record<string, string> = {
      "user-agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
      "x-goog-channel-id": channel.id,
      "x-goog-message-number": String(channel.messageNumber),
      "x-goog-resource-id": channel.resourceId,
      "x-goog-resource-state": state,
      "x-goog-resource-uri": channel.resourceUri,
      "x-goog-channel-expiration": new Date(channel.expiration).toUTCString(),
      ...(channel.token !== null ? { "x-goog-channel-token": channel.token } : {}),
    };
    const attempt = fetch(channel.address, { method: "POST", headers, signal: AbortSignal.timeout(10_000) })
      .then((response) => response.status, () => 0)
      .then((status) => void channel.deliveries.push({ state, status }));
    inFlight.add(attempt);
    void attempt.finally(() => inFlight.delete(attempt));
  }

  return {
    /** POST /calendar/v3/calendars/{calendarId}/events/watch for the calendar of `email`. */
    watch(email: string, calendarId: string, body: unknown): CallResult {
      const input = (body ?? {}) as { id?: unknown; type?: unknown; address?: unknown; token?: unknown; params?: { ttl?: unknown } };
      if (typeof input.id !== "string" || input.id === "" || input.id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(input.id)) {
        return error(400, "invalid", "Invalid channel id.");
      }
      if (input.type !== "web_hook" && input.type !== "webhook") return error(400, "invalid", "Invalid channel type.");
      let address: URL;
      try {
        address = new URL(String(input.address));
      } catch {
        return error(400, "invalid", "Invalid address.");
      }
      if (address.protocol !== "https:" && !(options.allowHttp && address.protocol === "http:")) {
        return error(400, "push.webhookUrlNotHttps", `WebHook callback must be HTTPS: ${address.href}`);
      }
      if (channels.has(input.id)) return error(400, "channelIdNotUnique", `Channel id ${input.id} not unique`);
      const ttl = input.params?.ttl === undefined ? MAX_TTL_SECONDS : Number(input.params.ttl);
      if (!Number.isFinite(ttl) || ttl <= 0) return error(400, "invalid", "Invalid value for ttl.");
      const resourceKey = `${email}/${calendarId === "primary" ? email : calendarId}`;
      let resourceId = resourceIds.get(resourceKey);
      if (!resourceId) {
        resourceId = randomBytes(14).toString("base64url");
        resourceIds.set(resourceKey, resourceId);
      }
      const channel: FakeChannel = {
        id: input.id,
        resourceId,
        resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?alt=json`,
        email,
        address: address.href,
        token: typeof input.token === "string" ? input.token : null,
        expiration: Date.now() + Math.min(ttl, MAX_TTL_SECONDS) * 1000,
        stoppedAt: null,
        messageNumber: 0,
        deliveries: [],
      };
      channels.set(channel.id, channel);
      setImmediate(() => deliver(channel, "sync"));
      return {
        status: 200,
        body: { kind: "api#channel", id: channel.id, resourceId, resourceUri: channel.resourceUri, ...(channel.token !== null ? { token: channel.token } : {}), expiration: String(channel.expiration) },
      };
    },
    /** POST /calendar/v3/channels/stop: only the user who opened a channel can stop it. */
    stop(email: string, body: unknown): CallResult {
      const input = (body ?? {}) as { id?: unknown; resourceId?: unknown };
      const channel = typeof input.id === "string" ? channels.get(input.id) : undefined;
      if (!channel || channel.resourceId !== input.resourceId || channel.email !== email || channel.stoppedAt !== null) {
        return error(404, "notFound", `Channel '${String(input.id)}' not found`);
      }
      channel.stoppedAt = new Date().toISOString();
      return { status: 204 };
    },
    /** The calendar of `email` changed: every live channel on it gets one `exists` message per burst. */
    changed(email: string): void {
      if (pending.has(email)) return;
      pending.add(email);
      setImmediate(() => {
        pending.delete(email);
        for (const channel of channels.values()) if (channel.email === email && live(channel)) deliver(channel, "exists");
      });
    },
    /** Every channel ever opened, live, expired or stopped, oldest first. */
    list(email?: string): (FakeChannel & { live: boolean })[] {
      return [...channels.values()].filter((channel) => email === undefined || channel.email === email).map((channel) => ({ ...channel, live: live(channel) }));
    },
    /** Ends a channel's life now, as its expiration would. */
    expire(id: string): boolean {
      const channel = channels.get(id);
      if (!channel) return false;
      channel.expiration = Date.now() - 1;
      return true;
    },
    /** Resolves when every delivery started so far has been answered. */
    async settled(): Promise<void> {
      await new Promise((resolve) => setImmediate(resolve));
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

export type Channels = ReturnType<typeof createChannels>;
