import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { startFakeEws, type FakeEws } from "../fakes/ews/server";

// The app run as people run it — `next start` (the build `npm run test:e2e` made) and `next dev`
// (the README's way) — through every form that takes a password, with everything both servers
// print captured: none of the passwords typed, nor the tokens the browser was given, may appear.
test.describe.configure({ mode: "serial", timeout: 15 * 60_000 });

const run = Date.now().toString(36);
const SECRETS = {
  password: `first-login-pw-${run}`,
  signInGuess: `guessed-pw-${run}`,
  atollonGuess: `atollon-guess-${run}`,
  exchangePassword: `exchange-pw-${run}`,
  newPassword: `second-login-pw-${run}`,
};

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

interface App {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

async function startApp(mode: "start" | "dev", exchangeHost: string): Promise<App> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), `calendar-sync-logs-${mode}-`));
  const env = { ...process.env, PORT: String(port), APP_URL: url, DATA_DIR: dataDir, DATABASE_URL: "", PGLITE_DIR: "", AUTH_SECRET: "", SYNC_SCHEDULER: "off", EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: exchangeHost };
  // Its own process group, so stopping it also stops the workers `next dev` starts.
  const child: ChildProcess = spawn(path.resolve("node_modules/.bin/next"), [mode, "-p", String(port)], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const output = () => Buffer.concat(chunks).toString("utf8");
  const stop = async () => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next ${mode} exited:\n${output()}`);
    const ready = await fetch(`${url}/sign-in`).then((response) => response.ok, () => false);
    if (ready) return { url, output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next ${mode} did not start:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Sign-up, a wrong guess at sign-in, the Atollon step (wrong, then right), an Exchange account and a password change. */
async function everyPasswordForm(browser: Browser, app: App, exchange: FakeEws): Promise<string[]> {
  const email = `logs-${run}-${app.url.split(":").pop()}@example.com`;
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Log Reader");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(SECRETS.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/calendar$/, { timeout: 120_000 });

  const stranger = await browser.newContext({ baseURL: app.url });
  const guessing = await stranger.newPage();
  await guessing.goto("/sign-in");
  await guessing.getByLabel("Email").fill(email);
  await guessing.getByLabel("Password").fill(SECRETS.signInGuess);
  await guessing.getByRole("button", { name: "Sign in" }).click();
  await expect(guessing.getByText("Wrong email or password.")).toBeVisible({ timeout: 60_000 });

  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(SECRETS.atollonGuess);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(page.getByText("This is not the password you sign in with.")).toBeVisible({ timeout: 60_000 });
  await page.getByLabel("Password").fill(SECRETS.password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(page.getByRole("link", { name: "Add MS Exchange" })).toBeVisible({ timeout: 60_000 });

  await page.getByRole("link", { name: "Add MS Exchange" }).click();
  await page.getByLabel("Login").fill("alice@contoso.test");
  await page.getByLabel("Server", { exact: true }).fill(exchange.ewsUrl);
  await page.getByLabel("Password").fill(SECRETS.exchangePassword);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created-ews$/, { timeout: 120_000 });

  await page.goto("/settings/account");
  await page.getByLabel("Current password").fill(SECRETS.password);
  await page.getByLabel("New password", { exact: true }).fill(SECRETS.newPassword);
  await page.getByLabel("Repeat the new password").fill(SECRETS.newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed.")).toBeVisible({ timeout: 60_000 });

  // Session, CSRF and device cookies: tokens a log must not carry either. Signing in made this
  // browser a known device of the account (its attempts are then throttled on their own).
  const cookies = [...(await context.cookies()), ...(await stranger.cookies())];
  expect((await context.cookies()).map((cookie) => cookie.name)).toContainEqual(expect.stringMatching(/^known-device-[0-9a-f]{16}$/));
  const tokens = cookies.map((cookie) => decodeURIComponent(cookie.value)).filter((value) => value.length >= 16);
  await context.close();
  await stranger.close();
  return tokens;
}

for (const mode of ["start", "dev"] as const) {
  test(`next ${mode}: no password or token in the server's output`, async ({ browser }) => {
    const exchange = await startFakeEws({ port: 0, users: { "alice@contoso.test": SECRETS.exchangePassword } });
    const app = await startApp(mode, new URL(exchange.ewsUrl).hostname);
    let tokens: string[];
    try {
      tokens = await everyPasswordForm(browser, app, exchange);
    } finally {
      await app.stop();
      await exchange.close();
    }
    const output = app.output();
    // The capture works: the server's own start-up lines are in it.
    expect(output).toContain("[start]");
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    for (const [name, secret] of Object.entries(SECRETS)) expect(output, name).not.toContain(secret);
    for (const token of tokens) expect(output).not.toContain(token);
  });
}
