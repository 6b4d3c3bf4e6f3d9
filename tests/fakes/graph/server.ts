// One HTTP server on 127.0.0.1 playing Microsoft Graph (v1.0 under /v1.0) and, through the shared
// FakeMicrosoftIdentity, the Microsoft identity platform. Tests in another process (Playwright, the
// benchmark) steer it through /__control endpoints.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGraphApi, type Fault, type GraphApi } from "./graph-api";
import { FakeMicrosoftIdentity, type FakeIdentityOptions } from "./identity";
import type { StoredEvent } from "./mailbox";
import type { LifecycleEvent } from "./subscriptions";
import { keepIdleConnections } from "../keep-alive";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface FakeGraph {
  url: string;
  identity: FakeMicrosoftIdentity;
  graph: GraphApi;
  /** Requests served, in order ("METHOD /path"). */
  log: string[];
  /** Environment that points the app at this server. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export interface FakeGraphOptions {
  port?: number;
  /** The identity platform's app registration and accounts (its defaults otherwise). */
  identity?: Partial<FakeIdentityOptions>;
  handlers?: (identity: FakeMicrosoftIdentity) => Handler[];
  /** Accept http:// notification URLs (the apps under test listen on plain http); Graph insists on https. */
  allowHttpPush?: boolean;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as unknown) : null;
}

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const identity = new FakeMicrosoftIdentity(options.identity);
  let url = "";
  const graph = createGraphApi({ baseUrl: () => url, authenticate: (token) => identity.accessTokenOwner(token), allowHttpPush: options.allowHttpPush ?? false });
  const log: string[] = [];
  // The sign-in side (authorize, token) lives with the identity when it offers a handler.
  const identityHandler = (identity as { handle?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean> }).handle?.bind(identity);
  const handlers: Handler[] = [(req, res) => control(identity, graph, req, res), ...(identityHandler ? [identityHandler] : []), (req, res) => graph.handle(req, res), ...(options.handlers?.(identity) ?? [])];
  const server = http.createServer((req, res) => {
    log.push(`${req.method} ${new URL(req.url ?? "/", "http://fake").pathname}`);
    void (async () => {
      for (const handler of handlers) if (await handler(req, res)) return;
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "ResourceNotFound", message: "Not Found" } }));
    })().catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "InternalServerError", message: String(error) } }));
    });
  });
  keepIdleConnections(server);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    identity,
    graph,
    log,
    env: () => ({ MICROSOFT_GRAPH_URL: `${url}/v1.0`, MICROSOFT_AUTHORITY_URL: url }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function control(identity: FakeMicrosoftIdentity, graph: GraphApi, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://fake");
  if (!url.pathname.startsWith("/__control/")) return false;
  const email = (url.searchParams.get("email") ?? "").toLowerCase();
  const reply = (body: object) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  switch (url.pathname) {
    case "/__control/health":
      reply({ ok: true });
      return true;
    case "/__control/revoke-grants":
      reply({ revoked: identity.revokeGrantsOf(email) });
      return true;
    case "/__control/token":
      reply({ access_token: identity.mintAccessToken(email), token_type: "Bearer", expires_in: 3600 });
      return true;
    case "/__control/events":
      if (req.method === "POST") {
        // One event as a person adds it in Outlook, or many at once to fill a calendar (the benchmark).
        const body = (await readJson(req)) as Partial<StoredEvent> | Partial<StoredEvent>[];
        reply(Array.isArray(body) ? { added: body.map((fields) => graph.userAdd(email, fields).id) } : graph.userAdd(email, body));
      } else reply({ items: [...graph.mailboxOf(email).items.values()] });
      return true;
    case "/__control/patch": {
      // Changes as a person makes them in Outlook: straight into the mailbox, each a new version.
      const changes = (await readJson(req)) as { id: string; change: Partial<StoredEvent> }[];
      const mailbox = graph.mailboxOf(email);
      const patched = changes.flatMap(({ id, change }) => {
        const item = mailbox.items.get(id);
        if (!item) return [];
        Object.assign(item, change);
        mailbox.touch(item);
        return [id];
      });
      reply({ patched });
      return true;
    }
    case "/__control/expire":
      graph.mailboxOf(email).expireDeltaTokens();
      reply({ expired: true });
      return true;
    case "/__control/fail": {
      const fault = (await readJson(req)) as Fault;
      graph.faults.push({ ...fault, count: fault.count ?? 1 });
      reply({ faults: graph.faults.filter((candidate) => candidate.count > 0).length });
      return true;
    }
    case "/__control/subscriptions":
      // Every subscription of the mailbox (or all), live, expired or deleted.
      reply({ subscriptions: graph.subscriptions.list(email || undefined) });
      return true;
    case "/__control/subscriptions/lifecycle": {
      const { id, event } = (await readJson(req)) as { id: string; event: LifecycleEvent };
      reply({ sent: graph.subscriptions.lifecycle(id, event) });
      return true;
    }
    case "/__control/subscriptions/expire": {
      const { id } = (await readJson(req)) as { id: string };
      reply({ expired: graph.subscriptions.expire(id) });
      return true;
    }
    case "/__control/log":
      reply({ requests: graph.requests, log: graph.log, mail: graph.mail });
      return true;
    default:
      return false;
  }
}
