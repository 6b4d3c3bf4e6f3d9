// `npm run demo`: the app (next dev, embedded defaults) against the fake Google, so the whole
// "Receive Google token" flow can be tried without Google credentials. The UI says it is a demo.
import { spawn } from "node:child_process";
import { FAKE_ACCOUNTS, FAKE_CLIENT } from "./accounts";
import { startFakeGoogle } from "./server";

const port = Number(process.env.PORT ?? 3000);
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
const google = await startFakeGoogle({
  ...FAKE_CLIENT,
  redirectUris: [`${appUrl}/api/google/callback`],
  accounts: FAKE_ACCOUNTS,
  port: Number(process.env.FAKE_GOOGLE_PORT ?? 4100),
  allowHttpPush: true,
});
console.log(`Demo mode: Google is simulated at ${google.url} (accounts: ${FAKE_ACCOUNTS.join(", ")})`);

const app = spawn("npx", ["next", "dev", "--port", String(port)], {
  stdio: "inherit",
  env: { ...process.env, ...google.env(), APP_URL: appUrl, GOOGLE_DEMO: "1", GOOGLE_PUSH_ALLOW_HTTP: "1" },
});
const stop = () => {
  app.kill("SIGTERM");
  void google.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
app.on("exit", (code) => void google.close().then(() => process.exit(code ?? 0)));
