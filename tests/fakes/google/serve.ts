// Runs the fake Google as its own process: for the Playwright suite (second web server) and for
// `npm run demo`. Configured by environment: FAKE_GOOGLE_PORT, FAKE_GOOGLE_REDIRECT_URI (one, or
// several separated by commas), and FAKE_GOOGLE_ALLOW_HTTP_PUSH=1 to accept push channels to an http:// app.
import { FAKE_ACCOUNTS, FAKE_CLIENT } from "./accounts";
import { startFakeGoogle } from "./server";

const google = await startFakeGoogle({
  ...FAKE_CLIENT,
  redirectUris: (process.env.FAKE_GOOGLE_REDIRECT_URI ?? "http://localhost:3000/api/google/callback").split(","),
  accounts: FAKE_ACCOUNTS,
  port: Number(process.env.FAKE_GOOGLE_PORT ?? 4100),
  allowHttpPush: process.env.FAKE_GOOGLE_ALLOW_HTTP_PUSH === "1",
});
console.log(`Fake Google listening at ${google.url}`);
const stop = () => void google.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
