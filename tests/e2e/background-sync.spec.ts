import { expect, test, type Page } from "@playwright/test";
import { accountCard, addEvent, shot, signUp } from "./helpers";
import { backgroundBaseURL, backgroundDelays, google } from "./ports";

// Against the second app, whose embedded scheduler runs (playwright.config.ts): nobody presses Sync now here.
test.use({ baseURL: backgroundBaseURL });
test.describe.configure({ mode: "serial" });

const KATHERINE = "katherine.johnson@gmail.com";
const email = `background-${Date.now()}@example.com`;
const password = "background sync pw 1";

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ baseURL: backgroundBaseURL });
});

test.afterAll(async () => {
  await page.close();
});

const remoteTitles = async () => {
  const { items } = (await (await page.request.get(`${google}/__control/events?email=${KATHERINE}`)).json()) as { items: { summary: string; status?: string }[] };
  return items.filter((item) => item.status !== "cancelled").map((item) => item.summary);
};

test("a new Google account syncs by itself, and an edit in the calendar reaches Google and the history without Sync now", async () => {
  await page.request.post(`${google}/__control/events?email=${KATHERINE}`, {
    data: { summary: "Standup (from Google)", start: { dateTime: "2026-12-15T09:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-15T09:15:00.000Z", timeZone: "UTC" } },
  });
  await signUp(page, { name: "Background User", email, password });
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(accountCard(page, "Atollon", email).getByText("Active")).toBeVisible();
  await page.goto("/settings/sync/google");
  await page.getByLabel("Google Login").fill(KATHERINE);
  await page.getByRole("button", { name: "Receive Google token" }).click();
  await expect(page.getByRole("heading", { name: "Choose an account" })).toBeVisible();
  await page.getByLabel(KATHERINE).check();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created$/);

  // The first run starts on the scheduler's next tick, and the page shows it without a reload.
  const card = accountCard(page, "Google Calendar", KATHERINE);
  await expect(card.locator("dd").getByText(/^From Google: 1 created/)).toBeVisible({ timeout: 15_000 });
  await expect(card.getByText("Not synced yet")).toHaveCount(0);
  await expect(card.getByText(/^in \d+ minutes?$|^any moment now$/)).toBeVisible();

  await addEvent(page, { title: "Design review", weekOf: "2026-12-14", date: "2026-12-16", start: "14:00", end: "15:00" });
  // The sync after an edit waits for a quiet moment, then the next tick runs it (a few seconds more for slow machines).
  await expect.poll(remoteTitles, { timeout: (backgroundDelays.afterEditSeconds + 3 * backgroundDelays.tickSeconds + 10) * 1000, intervals: [250] }).toContain("Design review");

  await page.goto("/settings/sync");
  await card.getByText(/^History of the last 2 runs$/).click();
  const history = card.getByRole("list", { name: "Sync history of Google" });
  await expect(history.getByRole("listitem").first()).toContainText("After an edit");
  await expect(history.getByRole("listitem").first()).toContainText("To Google: 1 created, 0 updated, 0 deleted");
  await expect(history.getByRole("listitem").nth(1)).toContainText("Scheduled");
  await expect(history.getByRole("listitem").nth(1)).toContainText("From Google: 1 created, 0 updated, 0 deleted");
  await shot(page, "background-sync-history");
});

test("Office.com on a server not set up for Microsoft: one sentence for the person, the steps folded away for administrators, the password form", async () => {
  await page.goto("/settings/sync/office");
  await expect(page.getByText("Sign in with Microsoft is not set up on this server yet; ask the person who runs it.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in with Microsoft" })).toHaveCount(0);
  // The registration steps are there for whoever runs the server, but not in a person's way.
  await expect(page.getByText("MICROSOFT_CLIENT_ID", { exact: false })).toBeHidden();
  await expect(page.getByText(/Entra ID/)).toBeHidden();
  const ews = page.getByRole("region", { name: "Connect with a password (Exchange Web Services)" });
  await expect(ews.getByLabel("Login")).toBeVisible();
  await expect(ews.getByRole("button", { name: "Create" })).toBeVisible();
  await shot(page, "office-unconfigured");
  await page.getByText("For administrators").click();
  await expect(page.getByText(/set MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET/)).toBeVisible();
  await expect(page.getByText(`${backgroundBaseURL}/api/microsoft/callback`)).toBeVisible();
  await shot(page, "office-unconfigured-admin-note");
});
