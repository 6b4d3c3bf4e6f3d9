import { expect, test, type Page } from "@playwright/test";
import { accountCard as accountCardOf, addEvent, shot as shotOf, signUp } from "./helpers";
import { google } from "./ports";

// The Synchronization settings against the fake Google started beside the app (playwright.config.ts).
test.describe.configure({ mode: "serial" });

const email = `sync-${Date.now()}@example.com`;
const password = "sync settings pw 1";
const newPassword = "sync settings pw 2";
const thirdPassword = "sync settings pw 3";
const ADA = "ada.lovelace@gmail.com";

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page.close();
});

const accountCard = (name: string, login: string) => accountCardOf(page, name, login);
const form = () => page.locator("main form").first();

const shot = (name: string) => shotOf(page, name);

async function receiveToken(login: string) {
  await page.goto("/settings/sync/google");
  await page.getByLabel("Google Login").fill(login);
  await page.getByRole("button", { name: "Receive Google token" }).click();
  await expect(page.getByRole("heading", { name: "Choose an account" })).toBeVisible();
}

async function consent(account: string, decision: "Allow" | "Cancel") {
  await page.getByLabel(account).check();
  await page.getByRole("button", { name: decision }).click();
}

test("step 1: the Atollon account checks the login password", async () => {
  await signUp(page, { name: "Sync User", email, password });

  await page.goto("/settings/sync");
  await expect(page.getByRole("heading", { name: "Atollon account" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Add Google Calendar" })).toHaveCount(0);
  await shot("sync-step-1");

  await expect(page.getByText("The Atollon account is this app's own calendar: just fill in the password you sign in with")).toBeVisible();
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Confirm password" }).click();
  // One message, under the field.
  await expect(page.getByText("This is not the password you sign in with.")).toBeVisible();
  await expect(form().getByRole("alert")).toBeHidden();
  await expect(page.getByText("That is not your login password.")).toHaveCount(0);
  await shot("sync-step-1-wrong-password");

  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(accountCard("Atollon", email).getByText("Active")).toBeVisible();
  await expect(page.getByRole("link", { name: "Add Google Calendar" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Add Office.com" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Add MS Exchange" })).toBeVisible();
  await shot("sync-atollon-active");
});

test("Receive Google token → Allow → token received → Create → Active", async () => {
  await receiveToken(ADA);
  await shot("google-consent");
  await consent(ADA, "Allow");
  await expect(page).toHaveURL(/\/settings\/sync\/google\?flow=/);
  await expect(page.getByRole("status").filter({ hasText: "Google token received for" })).toContainText(ADA);
  await shot("google-token-received");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created$/);
  await expect(accountCard("Google Calendar", ADA).getByText("Active")).toBeVisible();
  await expect(accountCard("Google Calendar", ADA).getByText("Not synced yet")).toBeVisible();
  // No token, encrypted or not, reaches the page.
  expect(await page.content()).not.toMatch(/1\/\/[\w-]{10}|ya29\.|v1\.[0-9a-f]{12}\./);
  await shot("google-account-active");
});

test("Deny at Google → a clear message and nothing created", async () => {
  await receiveToken("grace.hopper@gmail.com");
  await consent("grace.hopper@gmail.com", "Cancel");
  await expect(form().getByRole("alert")).toContainText("Google access was not allowed, so nothing was created.");
  await expect(page.getByRole("button", { name: "Create" })).toBeDisabled();
  await shot("google-denied");
  await page.goto("/settings/sync");
  await expect(page.getByRole("listitem", { name: /grace\.hopper/ })).toHaveCount(0);
});

test("consent from another Google account than the one typed in is refused", async () => {
  await receiveToken("alan.turing@gmail.com");
  await consent("grace.hopper@gmail.com", "Allow");
  await expect(form().getByRole("alert")).toContainText("You gave consent as grace.hopper@gmail.com, but the Google Login is alan.turing@gmail.com.");
  await expect(page.getByRole("button", { name: "Create" })).toBeDisabled();
  await shot("google-mismatch");
  // The unintended account's token was not kept.
  expect(await (await page.request.get(`${google}/__control/grants?email=grace.hopper@gmail.com`)).json()).toMatchObject({ active: 0 });
});

test("a tampered or replayed state is refused", async () => {
  await receiveToken("alan.turing@gmail.com");
  await page.goto("/api/google/callback?state=forged-state&code=4%2Fforged");
  await expect(form().getByRole("alert")).toContainText("does not belong to a sign-in started here");
  await shot("google-state-refused");
  await page.goto("/settings/sync");
  await expect(page.getByRole("listitem", { name: /alan\.turing/ })).toHaveCount(0);
});

async function changeLoginPassword(from: string, to: string, alsoForSync: boolean) {
  await page.goto("/settings/account");
  await page.getByLabel("Current password", { exact: true }).fill(from);
  await page.getByLabel("New password", { exact: true }).fill(to);
  await page.getByLabel("Repeat the new password").fill(to);
  const keep = page.getByLabel("Also use the new password for calendar sync");
  await expect(keep).toBeChecked();
  if (!alsoForSync) await keep.uncheck();
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("form").getByRole("status")).toContainText("Password changed.");
}

test("a password changed in the app keeps syncing when it is also used for calendar sync (the default)", async () => {
  await changeLoginPassword(password, newPassword, true);
  await expect(page.locator("form").getByRole("status")).toContainText("Calendar sync uses the new password and keeps running.");
  await shot("password-changed-sync-kept");
  await page.goto("/settings/sync");
  await expect(accountCard("Atollon", email).getByText("Active")).toBeVisible();
  await expect(page.getByText("Syncing is paused.")).toHaveCount(0);
});

test("a changed login password not used for sync outdates the Atollon account until it is entered here", async () => {
  await changeLoginPassword(newPassword, thirdPassword, false);

  await page.goto("/settings/sync");
  const atollon = accountCard("Atollon", email);
  await expect(atollon.getByText("Password outdated", { exact: true })).toBeVisible();
  await expect(atollon.getByText("Password outdated — enter your new password.")).toBeVisible();
  await expect(page.getByText("Syncing is paused.")).toBeVisible();
  await expect(page.getByRole("region", { name: "A sync account needs you" })).toContainText("confirm the new password in the Atollon account");
  await shot("atollon-password-outdated");
  await atollon.getByLabel("Password").fill(newPassword);
  await atollon.getByRole("button", { name: "Update" }).click();
  await expect(atollon.getByText("This is not the password you sign in with.")).toBeVisible();
  await atollon.getByLabel("Password").fill(thirdPassword);
  await atollon.getByRole("button", { name: "Update" }).click();
  await expect(atollon.getByText("Active")).toBeVisible();
  await expect(page.getByText("Syncing is paused.")).toHaveCount(0);
});

test("a token revoked at Google → Authorization needed → re-authorized, same account", async () => {
  expect(await (await page.request.post(`${google}/__control/revoke-grants?email=${ADA}`)).json()).toMatchObject({ revoked: 1 });
  await page.goto("/settings/sync");
  const card = accountCard("Google Calendar", ADA);
  await card.getByRole("button", { name: "Check connection" }).click();
  await expect(card.getByText("Authorization needed", { exact: true })).toBeVisible();
  await expect(card.getByRole("link", { name: "Remove the application authorization in Google" })).toBeVisible();
  await shot("google-authorization-needed");

  // Every page says so, with what to do and the way there; the header counts it.
  await page.goto("/calendar");
  const banner = page.getByRole("region", { name: "A sync account needs you" });
  await expect(banner).toContainText(`Google Calendar ${ADA} needs authorization again: receive a new Google token.`);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings 1 account needs you" })).toBeVisible();
  await shot("attention-banner-calendar");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot("attention-banner-phone");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/help");
  await banner.getByRole("link", { name: "Open Synchronization" }).click();
  await expect(page).toHaveURL(/\/settings\/sync$/);

  await card.getByRole("button", { name: "Receive Google token" }).click();
  await expect(page.getByRole("heading", { name: "Choose an account" })).toBeVisible();
  await expect(page.getByRole("radio", { name: ADA })).toBeChecked();
  await consent(ADA, "Allow");
  await expect(page).toHaveURL(/\/settings\/sync\?notice=reauthorized$/);
  await expect(page.getByText("the account is authorized again")).toBeVisible();
  await expect(page.getByRole("listitem", { name: /^Google Calendar account/ })).toHaveCount(1);
  await expect(card.getByText("Active")).toBeVisible();
  await card.getByRole("button", { name: "Check connection" }).click();
  await expect(card.getByRole("status")).toContainText("Connection works");
  await expect(page.getByRole("region", { name: /need(s)? you$/ })).toHaveCount(0);
  await shot("google-reauthorized");
});

test("Sync now copies events both ways and says what it did", async () => {
  await page.request.post(`${google}/__control/events?email=${ADA}`, {
    data: { summary: "Dentist (from Google)", start: { dateTime: "2026-12-09T09:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-09T10:00:00.000Z", timeZone: "UTC" } },
  });
  await addEvent(page, { title: "Team lunch", weekOf: "2026-12-07", date: "2026-12-08", start: "12:00", end: "13:00" });

  await page.goto("/settings/sync");
  const card = accountCard("Google Calendar", ADA);
  await card.getByRole("button", { name: "Sync now" }).click();
  await expect(card.getByRole("status")).toContainText("From Google: 1 created, 0 updated, 0 deleted; to Google: 1 created, 0 updated, 0 deleted");
  await expect(card.getByText("just now")).toBeVisible();
  await expect(card.locator("dd").getByText(/^From Google: 1 created/)).toBeVisible();
  await shot("google-sync-now");
  const { items } = (await (await page.request.get(`${google}/__control/events?email=${ADA}`)).json()) as { items: { summary: string }[] };
  expect(items.map((item) => item.summary).sort()).toEqual(["Dentist (from Google)", "Team lunch"]);
  await page.goto("/calendar?view=week&date=2026-12-07");
  await expect(page.getByRole("button", { name: /Dentist \(from Google\)/ })).toBeVisible();
});

test("a calendar wiped in Google pauses the account instead of deleting everything here; Restore, or Apply the deletions", async () => {
  const seeded = Array.from({ length: 12 }, (_, index) => ({
    summary: `Planning ${index + 1}`,
    start: { dateTime: `2026-12-${String(10 + (index % 4)).padStart(2, "0")}T${String(8 + Math.floor(index / 4)).padStart(2, "0")}:00:00.000Z`, timeZone: "UTC" },
    end: { dateTime: `2026-12-${String(10 + (index % 4)).padStart(2, "0")}T${String(8 + Math.floor(index / 4)).padStart(2, "0")}:30:00.000Z`, timeZone: "UTC" },
  }));
  await page.request.post(`${google}/__control/events?email=${ADA}`, { data: seeded });
  await page.goto("/settings/sync");
  const card = accountCard("Google Calendar", ADA);
  await card.getByRole("button", { name: "Sync now" }).click();
  await expect(card.getByRole("status")).toContainText("From Google: 12 created");
  const liveInGoogle = async () => ((await (await page.request.get(`${google}/__control/events?email=${ADA}`)).json()) as { items: { status: string }[] }).items.filter((item) => item.status !== "cancelled").length;
  expect(await liveInGoogle()).toBe(14);

  const wipeAndSync = async () => {
    expect(await (await page.request.post(`${google}/__control/wipe?email=${ADA}`)).json()).toMatchObject({ deleted: 14 });
    await page.goto("/settings/sync");
    await accountCard("Google Calendar", ADA).getByRole("button", { name: "Sync now" }).click();
    await expect(accountCard("Google Calendar", ADA).getByText(/14 events would be deleted/).first()).toBeVisible();
    await page.goto("/calendar?view=week&date=2026-12-07");
    await expect(page.getByRole("button", { name: /Planning 1\b/ })).toBeVisible();
    await page.goto("/settings/sync");
  };

  await wipeAndSync();
  await shot("google-paused-mass-deletion");
  await accountCard("Google Calendar", ADA).getByRole("button", { name: "Restore the events" }).click();
  await expect(accountCard("Google Calendar", ADA).getByText("Active")).toBeVisible();
  expect(await liveInGoogle()).toBe(14);

  await wipeAndSync();
  await accountCard("Google Calendar", ADA).getByRole("button", { name: "Apply the deletions" }).click();
  await expect(accountCard("Google Calendar", ADA).getByText("Active")).toBeVisible();
  await page.goto("/calendar?view=week&date=2026-12-07");
  await expect(page.getByRole("button", { name: /Planning 1\b/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Team lunch/ })).toHaveCount(0);
  expect(await liveInGoogle()).toBe(0);
});

test("the account's conflict policy can be chosen and is kept", async () => {
  await page.goto("/settings/sync");
  const card = accountCard("Google Calendar", ADA);
  const policy = card.getByRole("combobox", { name: "When an event changed on both sides" });
  await expect(policy).toHaveValue("LATEST");
  await policy.selectOption({ label: "Atollon wins" });
  await expect(card.getByRole("status")).toContainText("Saved. From the next sync on: Atollon wins.");
  await page.reload();
  await expect(accountCard("Google Calendar", ADA).getByRole("combobox", { name: "When an event changed on both sides" })).toHaveValue("LOCAL");
  await shot("google-conflict-policy");
});

test("removing a Google account revokes its token at Google", async () => {
  await page.goto("/settings/sync");
  const card = accountCard("Google Calendar", ADA);
  await card.getByRole("button", { name: "Remove…" }).click();
  await card.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=removed$/);
  await expect(page.getByRole("listitem", { name: /^Google Calendar account/ })).toHaveCount(0);
  expect(await (await page.request.get(`${google}/__control/grants?email=${ADA}`)).json()).toMatchObject({ active: 0 });
  await shot("google-removed");
});

test("a connected Google account gets a push channel that reaches the app, and removing the account stops it", async () => {
  const GRACE = "grace.hopper@gmail.com";
  type Channel = { id: string; live: boolean; stoppedAt: string | null; deliveries: { state: string; status: number }[] };
  const channels = async () => ((await (await page.request.get(`${google}/__control/channels?email=${GRACE}`)).json()) as { channels: Channel[] }).channels;
  await receiveToken(GRACE);
  await consent(GRACE, "Allow");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created$/);
  // Registered once the answer to Create has been sent: Create does not wait for Google.
  await expect.poll(async () => (await channels()).filter((entry) => entry.live).length).toBe(1);
  const [channel] = (await channels()).filter((entry) => entry.live);

  // A change in Google is announced to the app's webhook, which needs no session to accept it.
  await page.request.post(`${google}/__control/events?email=${GRACE}`, {
    data: { summary: "Pushed", start: { dateTime: "2026-12-10T09:00:00.000Z" }, end: { dateTime: "2026-12-10T10:00:00.000Z" } },
  });
  await expect.poll(async () => (await channels()).find((entry) => entry.id === channel?.id)?.deliveries.at(-1)).toEqual({ state: "exists", status: 200 });

  const card = accountCard("Google Calendar", GRACE);
  await card.getByRole("button", { name: "Remove…" }).click();
  await card.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=removed$/);
  const stopped = (await channels()).find((entry) => entry.id === channel?.id);
  expect(stopped).toMatchObject({ live: false });
  expect(stopped?.stoppedAt).not.toBeNull();
});

test("the help page explains how to remove the authorization and the way back", async () => {
  await page.goto("/help/remove-google-authorization");
  await expect(page.getByRole("heading", { name: "Remove application authorization in Google" })).toBeVisible();
  await expect(page.getByText("Third-party apps with account access")).toBeVisible();
  await page.getByRole("link", { name: "Add Google Calendar" }).click();
  await expect(page.getByRole("button", { name: "Receive Google token" })).toBeVisible();
});
