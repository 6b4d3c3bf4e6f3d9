// Runs the fake Microsoft identity platform as its own process, for the Playwright suite.
// FAKE_GRAPH_PORT: where it listens on 127.0.0.1; FAKE_MICROSOFT_REDIRECT_URI: the registered
// redirect URIs, comma-separated. Tests steer it through GET /__control/health and
// POST /__control/revoke-grants?email=.
import http from "node:http";
import { FakeMicrosoftIdentity } from "./identity";

const identity = new FakeMicrosoftIdentity({ redirectUris: (process.env.FAKE_MICROSOFT_REDIRECT_URI ?? "http://localhost:3000/api/microsoft/callback").split(",") });

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://fake");
  const reply = (status: number, body: object) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === "/__control/health") return reply(200, { ok: true });
  if (url.pathname === "/__control/revoke-grants") return reply(200, { revoked: identity.revokeGrantsOf(url.searchParams.get("email") ?? "") });
  identity
    .handle(req, res)
    .then((handled) => {
      if (!handled) reply(404, { error: { code: "NotFound", message: "Not Found" } });
    })
    .catch((error: unknown) => reply(500, { error: { code: "InternalServerError", message: String(error) } }));
});

server.listen(Number(process.env.FAKE_GRAPH_PORT ?? 4300), "127.0.0.1");
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
