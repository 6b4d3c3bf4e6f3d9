// One HTTP server on 127.0.0.1 playing Google: OAuth now, more APIs as handlers are added. Tests
// in another process (Playwright) steer it through /__control endpoints.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createCalendarApi, type CalendarApi, type QuotaOptions } from "./calendar-api";
import { FakeGoogleOAuth, readBody, type FakeOAuthOptions } from "./oauth";
import { keepIdleConnections } from "../keep-alive";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface FakeGoogle {
  url: string;
  oauth: FakeGoogleOAuth;
  calendar: CalendarApi;
  /** Requests served, in order ("METHOD /path"). */
  log: string[];
  /** Environment that points the app at this server. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export interface FakeGoogleOptions extends FakeOAuthOptions {
  port?: number;
  handlers?: (oauth: FakeGoogleOAuth) => Handler[];
  /** Accept http:// push channel addresses (Google insists on https; the app under test listens on http). */
  allowHttpPush?: boolean;
}

export async function startFakeGoogle(options: FakeGoogleOptions): Promise<FakeGoogle> {
  const oauth = new FakeGoogleOAuth(options);
  const calendar = createCalendarApi({ authenticate: (token) => oauth.accessTokenOwner(token), allowHttpPush: options.allowHttpPush });
  const log: string[] = [];
  const handlers: Handler[] = [(req, res) => control(oauth, calendar, req, res), (req, res) => oauth.handle(req, res), (req, res) => calendar.handle(req, res), ...(options.handlers?.(oauth) ?? [])];
  const server = http.createServer((req, res) => {
    log.push(`${req.method} ${new URL(req.url ?? "/", "http://fake").pathname}`);
    void (async () => {
      for (const handler of handlers) if (await handler(req, res)) return;
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: 404, message: "Not Found" } }));
    })().catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: 500, message: String(error) } }));
    });
  });
  keepIdleConnections(server);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    oauth,
    calendar,
    log,
    env: () => ({
      GOOGLE_CLIENT_ID: options.clientId,
      GOOGLE_CLIENT_SECRET: options.clientSecret,
      GOOGLE_OAUTH_AUTH_URL: `${url}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${url}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${url}/revoke`,
      GOOGLE_USERINFO_URL: `${url}/v1/userinfo`,
      GOOGLE_API_URL: `${url}/`,
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function control(oauth: FakeGoogleOAuth, calendar: CalendarApi, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://fake");
  if (!url.pathname.startsWith("/__control/")) return false;
  const email = url.searchParams.get("email") ?? "";
  const reply = (body: object) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  switch (url.pathname) {
    case "/__control/health":
      reply({ ok: true });
      return true;
    case "/__control/revoke-grants":
      reply({ revoked: oauth.revokeGrantsOf(email) });
      return true;
    case "/__control/grants":
      reply({ active: oauth.activeGrants(email), revocations: oauth.revocations.filter((value) => value === email).length });
      return true;
    case "/__control/events":
      if (req.method === "POST") {
        // One event as a person adds it, or many at once to fill a calendar (the benchmark).
        const body = JSON.parse(await readBody(req)) as object | object[];
        reply(Array.isArray(body) ? { inserted: body.map((event) => calendar.userInsert(email, event as never).id) } : calendar.userInsert(email, body as never));
      } else reply({ items: calendar.events(email) });
      return true;
    case "/__control/patch": {
      const changes = JSON.parse(await readBody(req)) as { id: string; change: object }[];
      reply({ patched: changes.map(({ id, change }) => calendar.userPatch(email, id, change).id) });
      return true;
    }
    case "/__control/wipe": {
      // A person (or a misbehaving tool) deleting every event of the calendar at once.
      const live = calendar.events(email).filter((event) => event.status !== "cancelled" && !event.recurringEventId);
      for (const event of live) calendar.userDelete(email, event.id);
      reply({ deleted: live.length });
      return true;
    }
    case "/__control/calendars": {
      // POST { id, summary, roles: { email: role } }: a secondary calendar; its events are then under ?email=<its id>.
      const { id, summary, roles } = JSON.parse(await readBody(req)) as { id: string; summary: string; roles: Record<string, string> };
      calendar.addCalendar(id, summary, roles);
      reply({ id });
      return true;
    }
    case "/__control/grant":
      reply(oauth.grant(email));
      return true;
    case "/__control/requests":
      reply({ calendarApi: calendar.log.length });
      return true;
    case "/__control/channels":
      // Live, expired and stopped channels alike; `email` narrows to one Google account.
      reply({ channels: calendar.channels.list(url.searchParams.get("email") ?? undefined) });
      return true;
    case "/__control/channels/expire":
      reply({ expired: calendar.channels.expire(url.searchParams.get("id") ?? "") });
      return true;
    case "/__control/quota":
      // POST: the per-user quota (QuotaOptions without a clock); DELETE lifts it. GET: calls refused so far.
      if (req.method === "POST") calendar.setQuota(JSON.parse(await readBody(req)) as QuotaOptions);
      else if (req.method === "DELETE") calendar.setQuota(null);
      reply({ refused: calendar.quotaRefused });
      return true;
    case "/__control/refuse": {
      // POST { summary, message }: Google refuses every write of an event with this title (HTTP 400), as it does an event it finds invalid.
      const { summary, message } = JSON.parse(await readBody(req)) as { summary: string; message: string };
      calendar.injectBatchFaults({ target: (call) => (call.body as { summary?: unknown } | null)?.summary === summary, status: 400, reason: "invalid", message, times: Number.MAX_SAFE_INTEGER });
      reply({ refusing: summary });
      return true;
    }
    case "/__control/omit-refresh-token":
      oauth.omitRefreshToken = url.searchParams.get("value") === "1";
      reply({ omitRefreshToken: oauth.omitRefreshToken });
      return true;
    default:
      return false;
  }
}
