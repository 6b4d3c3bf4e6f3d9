// Runs the fake Microsoft identity platform and Microsoft Graph as one process, for the Playwright
// suite and the benchmark. FAKE_GRAPH_PORT: where it listens on 127.0.0.1 (0: a free port; the
// address is printed); FAKE_MICROSOFT_REDIRECT_URI: the registered redirect URIs, comma-separated;
// FAKE_GRAPH_ALLOW_HTTP_PUSH=1 accepts change-notification subscriptions to an http:// app.
// Tests steer it through /__control (health, revoke-grants, token, events, fail, subscriptions, log …).
import { startFakeGraph } from "./server";

const graph = await startFakeGraph({
  port: Number(process.env.FAKE_GRAPH_PORT ?? 4300),
  identity: { redirectUris: (process.env.FAKE_MICROSOFT_REDIRECT_URI ?? "http://localhost:3000/api/microsoft/callback").split(",") },
  allowHttpPush: process.env.FAKE_GRAPH_ALLOW_HTTP_PUSH === "1",
});
console.log(`Fake Microsoft Graph listening at ${graph.url}`);
const stop = () => void graph.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
