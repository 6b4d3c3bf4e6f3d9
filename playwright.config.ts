import { defineConfig, devices } from "@playwright/test";
import { FAKE_MICROSOFT_CLIENT } from "./tests/fakes/graph/identity";
import { backgroundBaseURL, backgroundDelays, baseURL, fakeExchanges, google, microsoft, port } from "./tests/e2e/ports";

// The fake servers are steered by tests over HTTP.
const googlePort = new URL(google).port;
const microsoftPort = new URL(microsoft).port;

/** The production build served on a fresh embedded database, pointed at the fakes. */
function app(options: { port: number; baseURL: string; dataDir: string; env: Record<string, string> }) {
  return {
    command: "node tests/e2e/start-server.mjs",
    url: `${options.baseURL}/sign-in`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe" as const,
    env: {
      PORT: String(options.port),
      APP_URL: options.baseURL,
      E2E_DATA_DIR: options.dataDir,
      GOOGLE_CLIENT_ID: "calendar-sync-demo.apps.googleusercontent.com",
      GOOGLE_CLIENT_SECRET: "demo-client-secret",
      GOOGLE_OAUTH_AUTH_URL: `${google}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${google}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${google}/revoke`,
      GOOGLE_USERINFO_URL: `${google}/v1/userinfo`,
      GOOGLE_API_URL: `${google}/`,
      GOOGLE_PUSH_ALLOW_HTTP: "1",
      GRAPH_PUSH_ALLOW_HTTP: "1",
      MICROSOFT_CLIENT_ID: FAKE_MICROSOFT_CLIENT.clientId,
      MICROSOFT_CLIENT_SECRET: FAKE_MICROSOFT_CLIENT.clientSecret,
      MICROSOFT_TENANT: "common",
      MICROSOFT_AUTHORITY_URL: microsoft,
      MICROSOFT_GRAPH_URL: `${microsoft}/v1.0`,
      EWS_ALLOW_HTTP: "1",
      EWS_ALLOWED_HOSTS: "127.0.0.1",
      EWS_AUTODISCOVER_URL: `http://127.0.0.1:${fakeExchanges.exchange.ews}/autodiscover/autodiscover.xml`,
      ...options.env,
    },
  };
}

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  forbidOnly: Boolean(process.env.CI),
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Playwright cannot download its own browsers here: use the system's Chromium (Debian's package).
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // The desktop size the product is checked at; phone-sized checks set 390×844 themselves.
  // The specs read dates and times as en-GB writes them; locale-formats.spec.ts sets its own locales.
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 }, locale: "en-GB" } }],
  webServer: [
    {
      command: "tsx tests/fakes/google/serve.ts",
      url: `${google}/__control/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      // The apps listen on plain http: the fake accepts push channels to them, as Google would not.
      env: {
        FAKE_GOOGLE_PORT: googlePort,
        FAKE_GOOGLE_REDIRECT_URI: `${baseURL}/api/google/callback,${backgroundBaseURL}/api/google/callback`,
        FAKE_GOOGLE_ALLOW_HTTP_PUSH: "1",
      },
    },
    {
      command: "tsx tests/fakes/graph/serve.ts",
      url: `${microsoft}/__control/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: {
        FAKE_GRAPH_PORT: microsoftPort,
        FAKE_MICROSOFT_REDIRECT_URI: `${baseURL}/api/microsoft/callback,${backgroundBaseURL}/api/microsoft/callback`,
        FAKE_GRAPH_ALLOW_HTTP_PUSH: "1",
      },
    },
    ...Object.values(fakeExchanges).map((ports) => ({
      command: "tsx tests/fakes/ews/serve.ts",
      url: `http://127.0.0.1:${ports.control}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { FAKE_EWS_PORT: String(ports.ews), FAKE_EWS_CONTROL_PORT: String(ports.control), ...(ports.authSchemes ? { FAKE_EWS_AUTH_SCHEMES: ports.authSchemes } : {}) },
    })),
    app({ port, baseURL, dataDir: ".data/e2e", env: { SYNC_SCHEDULER: "off" } }),
    app({
      port: port + 2,
      baseURL: backgroundBaseURL,
      dataDir: ".data/e2e-background",
      // This one is not configured for Microsoft: what the Office.com page shows then is tested here.
      env: {
        SYNC_AFTER_EDIT_SECONDS: String(backgroundDelays.afterEditSeconds),
        SCHEDULER_TICK_SECONDS: String(backgroundDelays.tickSeconds),
        MICROSOFT_CLIENT_ID: "",
        MICROSOFT_CLIENT_SECRET: "",
      },
    }),
  ],
});
